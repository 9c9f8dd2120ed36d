//! Steps and conversions that take a context the caller supplies (issue 13
//! item 8): a lookup table, a clock, a tenant id, through
//! `palimpsest::with_context`, on every route; a missing context is a
//! typed error naming the step and the type.

use std::collections::HashMap;

use palimpsest::{versioned, with_context, Context, ConvertError, Error, Schema, Step};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// Prices by product, kept by the caller (a database, a file), not a global.
struct PriceList(HashMap<&'static str, u64>);

/// The moment the migration runs, so a test can fix it.
struct Clock(u64);

fn prices() -> PriceList {
    PriceList(HashMap::from([("pen", 150), ("ink", 900)]))
}

/// 1 -> 2: an order line gets the price it had when it was migrated.
fn price_line(doc: &mut Map<String, Value>, prices: &PriceList) -> Result<(), String> {
    let product = doc
        .get("product")
        .and_then(Value::as_str)
        .ok_or("no product")?;
    let price = prices
        .0
        .get(product)
        .ok_or(format!("no price for {product}"))?;
    doc.insert("price_cents".into(), json!(price));
    Ok(())
}

/// 2 -> 3, per field: a relative age becomes an absolute time.
fn age_to_time(age: u64, clock: &Clock) -> Result<u64, String> {
    clock
        .0
        .checked_sub(age)
        .ok_or_else(|| "age before the epoch".to_owned())
}

#[versioned(since = 1, version = 3, step(from = 1, to = 2, with = price_line))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Order {
    product: String,
    price_cents: u64,
    #[renamed_from("age", since = 3)]
    #[converted(since = 3, with = age_to_time)]
    created_at: u64,
}

/// The same conversion with no hand-written step: its documents stream.
#[versioned(since = 1, version = 2)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Event {
    name: String,
    #[converted(since = 2, with = age_to_time)]
    at: u64,
}

fn context() -> Context {
    Context::new().with(prices()).with(Clock(1_000))
}

#[test]
fn a_macro_step_and_conversion_read_the_callers_context() {
    let old = r#"{"schema_version": 1, "product": "ink", "age": 40}"#;
    let read = with_context(&context(), || palimpsest::from_str::<Order>(old)).unwrap();
    assert_eq!(
        read.value,
        Order {
            product: "ink".into(),
            price_cents: 900,
            created_at: 960
        }
    );
    assert_eq!(read.report.steps.len(), 2);
}

#[test]
fn every_route_sees_the_context() {
    let doc = json!({"schema_version": 1, "name": "boot", "at": 10});
    let text = doc.to_string();
    let context = Context::new().with(Clock(100));
    with_context(&context, || {
        // serde's entry points, the streaming reader (no hand-written step,
        // so the captured field is converted at the end of the map) and the
        // tree engine.
        let from_serde: Event = serde_json::from_str(&text).unwrap();
        let from_value: Event = serde_json::from_value(doc.clone()).unwrap();
        let from_crate = palimpsest::from_str::<Event>(&text).unwrap().value;
        let mut tree = doc.clone();
        palimpsest::migrate::<Event>(&mut tree).unwrap();
        assert_eq!(tree["at"], 90);
        for event in [&from_serde, &from_value, &from_crate] {
            assert_eq!(event.at, 90);
        }
        // Inside another value, at any depth.
        let many: Vec<Event> = serde_json::from_value(json!([doc, doc])).unwrap();
        assert!(many.iter().all(|event| event.at == 90));
    });
}

#[test]
fn a_missing_context_names_the_step_and_the_type() {
    let old = r#"{"schema_version": 1, "product": "pen", "age": 1}"#;
    let err = palimpsest::from_str::<Order>(old).unwrap_err();
    let Error::MissingContext {
        from, to, context, ..
    } = &err
    else {
        panic!("expected MissingContext, got {err}");
    };
    assert_eq!((from.to_string(), to.to_string()), ("1".into(), "2".into()));
    assert!(context.ends_with("PriceList"), "{context}");
    assert!(
        err.to_string()
            .starts_with("`Order`: step 1 -> 2 needs a context of type `step_context::PriceList`"),
        "{err}"
    );

    // The step's context but not the conversion's: the conversion says so.
    let only_prices = Context::new().with(prices());
    let err = with_context(&only_prices, || palimpsest::from_str::<Order>(old)).unwrap_err();
    let Error::Convert {
        reason: ConvertError::MissingContext { context },
        path,
        ..
    } = &err
    else {
        panic!("expected a conversion's MissingContext, got {err}");
    };
    assert!(context.ends_with("Clock"), "{context}");
    assert_eq!(path, "created_at");

    // Through serde the message is the same.
    let err = serde_json::from_str::<Event>(r#"{"schema_version": 1, "name": "n", "at": 1}"#)
        .unwrap_err();
    assert!(err.to_string().contains("needs a context of type"), "{err}");
}

#[test]
fn a_current_document_needs_no_context() {
    let current = r#"{"schema_version": 3, "product": "pen", "price_cents": 1, "created_at": 5}"#;
    assert_eq!(
        palimpsest::from_str::<Order>(current)
            .unwrap()
            .value
            .created_at,
        5
    );
}

/// A typed step: the old version deserialized, the context beside it.
#[derive(Deserialize)]
struct TicketV1 {
    tenant_local_id: u64,
}

#[derive(Serialize)]
struct TicketV2 {
    id: String,
}

struct Tenant(&'static str);

fn qualify(old: TicketV1, tenant: &Tenant) -> Result<TicketV2, String> {
    Ok(TicketV2 {
        id: format!("{}-{}", tenant.0, old.tenant_local_id),
    })
}

#[test]
fn a_hand_built_schema_takes_context_functions_of_every_kind() {
    let schema = Schema::integer("Ticket", 3)
        .step(Step::new(1, 2).function(qualify))
        .step(
            Step::new(2, 3).convert("id", |id: &mut Value, tenant: &Tenant| {
                let text = id.as_str().ok_or("id is no string")?.to_uppercase();
                *id = json!(format!("{text}@{}", tenant.0));
                Ok::<_, &str>(())
            }),
        )
        .build()
        .unwrap();
    let context = Context::new().with(Tenant("acme"));
    let mut doc = json!({"schema_version": 1, "tenant_local_id": 7});
    with_context(&context, || schema.migrate(&mut doc)).unwrap();
    assert_eq!(doc, json!({"schema_version": 3, "id": "ACME-7@acme"}));

    // Without it the typed step fails before it reads anything, and the
    // document is left as it was.
    let mut doc = json!({"schema_version": 1, "tenant_local_id": 7});
    let err = schema.migrate(&mut doc).unwrap_err();
    assert!(matches!(err, Error::MissingContext { .. }), "{err}");
    assert_eq!(doc, json!({"schema_version": 1, "tenant_local_id": 7}));
}

#[test]
fn contexts_nest_and_end_with_their_closure() {
    let old = r#"{"schema_version": 1, "name": "n", "at": 10}"#;
    let outer = Context::new().with(Clock(100));
    let inner = Context::new().with(Clock(50));
    with_context(&outer, || {
        let at = |expected: u64| {
            let event = palimpsest::from_str::<Event>(old).unwrap().value;
            assert_eq!(event.at, expected);
        };
        at(90);
        with_context(&inner, || at(40));
        at(90);
    });
    assert!(palimpsest::from_str::<Event>(old).is_err());
}

/// Exchange rates, which both directions of a step need.
struct Rates {
    eur_per_usd: f64,
}

fn to_euros(doc: &mut Map<String, Value>, rates: &Rates) -> Result<(), String> {
    let usd = doc.remove("usd").and_then(|v| v.as_f64()).ok_or("no usd")?;
    doc.insert("eur".into(), json!(usd * rates.eur_per_usd));
    Ok(())
}

fn to_dollars(doc: &mut Map<String, Value>, rates: &Rates) -> Result<(), String> {
    let eur = doc.remove("eur").and_then(|v| v.as_f64()).ok_or("no eur")?;
    doc.insert("usd".into(), json!(eur / rates.eur_per_usd));
    Ok(())
}

#[versioned(since = 1, version = 2, step(from = 1, to = 2, with = to_euros, back = to_dollars))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Invoice {
    eur: f64,
}

#[test]
fn a_downgrade_runs_the_inverse_with_the_same_context() {
    let rates = Context::new().with(Rates { eur_per_usd: 0.5 });
    let read = with_context(&rates, || {
        palimpsest::from_str::<Invoice>(r#"{"schema_version": 1, "usd": 10.0}"#)
    })
    .unwrap();
    assert_eq!(read.value.eur, 5.0);
    let old = with_context(&rates, || palimpsest::to_value_as(&read.value, 1)).unwrap();
    assert_eq!(old, json!({"schema_version": 1, "usd": 10.0}));
    let err = palimpsest::to_value_as(&read.value, 1).unwrap_err();
    assert!(matches!(err, Error::MissingContext { .. }), "{err}");
    assert!(err.to_string().contains("step_context::Rates"), "{err}");
}

#[test]
fn invoices_round_trip_with_their_context() {
    let rates = Context::new().with(Rates { eur_per_usd: 0.5 });
    let report = with_context(&rates, || {
        palimpsest::testing::check_round_trips(&[Invoice { eur: 4.0 }])
    })
    .unwrap();
    assert_eq!(report.trips, 2); // through the legacy version 0 and 1
}
