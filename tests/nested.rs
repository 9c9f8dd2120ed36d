//! scratch
use palimpsest::versioned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

#[versioned(since = "0.1.0", metadata = "context.metadata")]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    pub steps: Vec<TraceStep>,
    #[serde(default)]
    pub context: Context,
}

#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceStep {
    #[renamed_from("thought", since = "0.2.0")]
    pub reasoning: String,
    #[added_in("0.2.0")]
    #[serde(default)]
    pub tokens: u32,
    #[removed_in("0.3.0", drop)]
    pub notes: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Context {
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

#[test]
fn scratch() {
    let old = json!({"steps": [{"thought": "a", "notes": "n"}, {"thought": "b"}]});
    let t: Trace = serde_json::from_value(old.clone()).unwrap();
    println!("{t:?}");
    let mut doc = old.clone();
    let r = palimpsest::migrate::<Trace>(&mut doc).unwrap();
    println!("{doc}\n{r:?}");
    let keyfirst = r#"{"schema_version": "0.1.0", "steps": [{"thought": "a", "notes": "n"}, {"thought": "b"}]}"#;
    let read = palimpsest::from_str::<Trace>(keyfirst).unwrap();
    println!("{:?}\n{:?}", read.value, read.report);
    println!("{}", serde_json::to_string(&read.value).unwrap());
}
