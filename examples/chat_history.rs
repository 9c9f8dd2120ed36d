//! A worked history: the log of an LLM chat service, taken through five
//! schema versions by field, variant and container attributes alone, with
//! no hand-written step.
//!
//! | version | what changed |
//! |---|---|
//! | 0.0.1 | logs written before versioning: no version key |
//! | 0.1.0 | the version key; the prototype's `context.debug` flags and each message's `logprobs` dropped |
//! | 0.2.0 | `conversation_id` → `id` (an exporter that wrote both: the old name wins, the row number it wrote as `id` is kept in the metadata), `models: [m]` → `model: m`, `tags` added; roles `human`/`customer` → `user` and `ai`/`bot` → `assistant`; each message's `thought` → `reasoning`, `attachments` added; each tool's `params` → `parameters` |
//! | 0.3.0 | `user` → `client.user`, a string → an integer; `context.env` → `environment`; `api` set to `chat.completions`; usage `prompt_tokens`/`completion_tokens` → `input_tokens`/`output_tokens`; `notes` removed (kept in the metadata); `function_call: {..}` → `tool_calls: [{..}]`, each call's `name` and `arguments` under `function`, with an `id` and a `type`; role `function` → `tool`, `tool_call_id` added; an image's `src` → `url`; a message's timing loses its latency (kept) |
//! | 0.4.0 | `environment: "production/eu-west-1"` → `{"name": "production", "region": "eu-west-1"}`; role `moderator` removed (to `unknown`, kept); attachment `document` → `file`, its `mime` → `media_type`; an image's `detail` and the timing's `retries` added |
//! | 0.5.0 | role `developer` added; `context.session_id` → `context.session`; `title` added |
//!
//! `cargo run --example chat_history` reads one old log of every version
//! from `tests/fixtures/chat_log/`, prints what it became and what ran, and
//! writes the oldest back for a reader still on 0.1.0 (not 0.0.1: what the
//! first step drops cannot be written back).
//! `tests/chat_history.rs` checks the same history on every reading route.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use palimpsest::versioned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One conversation between a user, an assistant and its tools, as the
/// chat service logs it.
#[versioned(
    since = "0.1.0",
    metadata = "metadata",
    // 0.3.0 groups what the service knows of its caller under `client`.
    moved(from = "user", to = "client.user", since = "0.3.0"),
    // The prototype logger's debug flags said nothing about the
    // conversation: the first versioned schema left them out.
    dropped("context.debug", since = "0.1.0")
)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChatLog {
    // An exporter of 0.1.0 wrote its row number as `id` beside the
    // conversation's id; the conversation's id is the one to keep.
    #[renamed_from("conversation_id", since = "0.2.0", on_conflict = "old_wins")]
    pub id: String,
    #[added_in("0.5.0")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    // The router's candidate list held one model in every log ever written.
    #[renamed_from("models", since = "0.2.0")]
    #[unwrapped(since = "0.2.0")]
    pub model: String,
    // From 0.3.0 every log is in the chat-completions shape, whichever API
    // the conversation went through before.
    #[set(since = "0.3.0", value = "chat.completions".to_owned())]
    pub api: String,
    #[added_in("0.3.0")]
    #[serde(default)]
    pub client: Client,
    #[moved_from("context.env", since = "0.3.0")]
    #[converted(since = "0.4.0", with = parse_environment, back = print_environment)]
    pub environment: Environment,
    #[serde(default)]
    pub tools: BTreeMap<String, ToolSpec>,
    pub messages: Vec<Message>,
    #[renamed_keys(
        since = "0.3.0",
        "prompt_tokens" = "input_tokens",
        "completion_tokens" = "output_tokens"
    )]
    #[serde(default)]
    pub usage: BTreeMap<String, u64>,
    #[added_in("0.2.0")]
    #[serde(default)]
    pub tags: Vec<String>,
    #[removed_in("0.3.0")]
    pub notes: String,
    #[serde(default)]
    pub context: Context,
    #[serde(default)]
    pub metadata: Map<String, Value>,
}

/// Who called the service.
#[versioned(embedded)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Client {
    // The web client sent account numbers as strings.
    #[converted(since = "0.3.0", with = parse_user_id, back = print_user_id)]
    pub user: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
}

/// Where the conversation ran.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Environment {
    pub name: String,
    pub region: String,
}

/// What the service knew of the session.
#[versioned(embedded)]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Context {
    #[renamed_from("session_id", since = "0.5.0")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

/// A tool the assistant was offered, by name.
#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolSpec {
    pub description: String,
    /// A JSON Schema of the arguments.
    #[renamed_from("params", since = "0.2.0")]
    pub parameters: Value,
}

/// One message of the conversation.
#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    #[serde(default)]
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[renamed_from("thought", since = "0.2.0")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<String>,
    #[renamed_from("function_call", since = "0.3.0")]
    #[wrapped(since = "0.3.0")]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    #[added_in("0.3.0")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_call_id: Option<String>,
    #[added_in("0.2.0")]
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timing: Option<Timing>,
    // The prototype kept token log-probabilities, most of a log's size,
    // which no one read: the first versioned schema dropped them.
    #[removed_in("0.1.0", drop)]
    pub logprobs: Value,
}

/// Who wrote a message.
#[versioned(embedded)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    System,
    #[renamed_from("human", since = "0.2.0")]
    #[renamed_from("customer", since = "0.2.0")]
    User,
    #[renamed_from("ai", since = "0.2.0")]
    #[renamed_from("bot", since = "0.2.0")]
    Assistant,
    #[renamed_from("function", since = "0.3.0")]
    Tool,
    // The content filter's verdicts moved out of the conversation.
    #[removed_in("0.4.0", fallback = "Unknown")]
    Moderator,
    #[added_in("0.5.0")]
    Developer,
    Unknown,
}

/// A call the assistant asked for.
#[versioned(
    embedded,
    moved(from = "name", to = "function.name", since = "0.3.0"),
    moved(from = "arguments", to = "function.arguments", since = "0.3.0")
)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCall {
    #[added_in("0.3.0")]
    #[serde(default)]
    pub id: String,
    #[added_in("0.3.0")]
    #[serde(rename = "type", default = "function_kind")]
    pub kind: String,
    pub function: FunctionCall,
}

fn function_kind() -> String {
    "function".to_owned()
}

/// The function a call names, and its arguments as the model wrote them (a
/// JSON text, which may not parse).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionCall {
    pub name: String,
    pub arguments: String,
}

/// Something the user attached to a message.
#[versioned(embedded)]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Attachment {
    Image {
        #[renamed_from("src", since = "0.3.0")]
        url: String,
        #[added_in("0.4.0")]
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
    },
    #[renamed_from("document", since = "0.4.0")]
    File {
        name: String,
        #[renamed_from("mime", since = "0.4.0")]
        media_type: String,
    },
}

/// When a message started and ended, in Unix milliseconds; until 0.3.0 the
/// latency stood between them, and from 0.4.0 the retries follow.
#[versioned(embedded)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timing(
    pub u64,
    #[removed_in("0.3.0")] u64,
    pub u64,
    #[added_in("0.4.0")]
    #[serde(default)]
    pub u32,
);

impl Timing {
    pub fn started_ms(&self) -> u64 {
        self.0
    }

    // The macro takes the removed element out of the type: what follows it
    // moves up one place.
    pub fn ended_ms(&self) -> u64 {
        self.1
    }

    pub fn retries(&self) -> u32 {
        self.2
    }
}

/// A user id as the web client sent it: decimal digits.
fn parse_user_id(id: String) -> Result<u64, std::num::ParseIntError> {
    id.parse()
}

fn print_user_id(id: u64) -> Result<String, std::convert::Infallible> {
    Ok(id.to_string())
}

/// An environment as 0.3.0 wrote it, `name/region`.
#[derive(Debug)]
pub struct BadEnvironment(String);

impl std::fmt::Display for BadEnvironment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` is not an environment of the form `name/region`",
            self.0
        )
    }
}

impl std::error::Error for BadEnvironment {}

fn parse_environment(flat: String) -> Result<Environment, BadEnvironment> {
    match flat.split_once('/') {
        Some((name, region)) if !name.is_empty() && !region.is_empty() => Ok(Environment {
            name: name.to_owned(),
            region: region.to_owned(),
        }),
        _ => Err(BadEnvironment(flat)),
    }
}

fn print_environment(environment: Environment) -> Result<String, BadEnvironment> {
    if environment.name.contains('/') {
        return Err(BadEnvironment(environment.name));
    }
    Ok(format!("{}/{}", environment.name, environment.region))
}

/// The fixtures: `round_trip/<version>/` holds logs that write back as
/// the version they were, `one_way/<version>/` logs that cannot: their
/// history drops or folds something on the way (every legacy log, whose
/// first step drops the prototype's debug data), and `dropped/<version>/`
/// one that holds the values those drops take.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/chat_log")
}

fn main() {
    // The same conversation, as the logger of each version wrote it.
    let oldest = fixtures().join("one_way/0.0.1/weather_lookup.json");
    for version in ["0.0.1", "0.1.0", "0.2.0", "0.3.0", "0.4.0", "0.5.0"] {
        let file = match version {
            "0.0.1" => oldest.clone(),
            _ => fixtures().join(format!("round_trip/{version}/weather_lookup.json")),
        };
        let text = std::fs::read_to_string(&file).expect("the fixture is readable");
        let read = palimpsest::from_str::<ChatLog>(&text).expect("every old log migrates");
        let log = &read.value;
        println!("{version}: {}", read.report);
        let last = log.messages.last().expect("a conversation");
        println!(
            "  {} on {} in {}/{}, user {}: {} messages, the last by {:?}: {:?}",
            log.id,
            log.model,
            log.environment.name,
            log.environment.region,
            log.client.user,
            log.messages.len(),
            last.role,
            last.content.as_deref().unwrap_or_default(),
        );
    }

    let text = std::fs::read_to_string(&oldest).expect("the fixture is readable");
    let log: ChatLog = serde_json::from_str(&text).expect("the legacy log migrates");
    let current = serde_json::to_string_pretty(&log).expect("a log serializes");
    println!("\nthe legacy log, as 0.5.0:\n{current}");
    assert!(current.starts_with("{\n  \"schema_version\": \"0.5.0\""));
    assert_eq!(log.client.user, 1042);
    assert_eq!(log.messages[2].tool_calls[0].function.name, "get_weather");
    assert_eq!(log.messages[3].role, Role::Tool);

    // A reader still on 0.1.0 gets the log in the shape it knows, with what
    // 0.3.0 removed put back from the metadata.
    let old = palimpsest::to_value_as(&log, "0.1.0").expect("every step has an inverse");
    println!(
        "\nwritten back for a 0.1.0 reader:\n{}",
        serde_json::to_string_pretty(&old).expect("a value serializes")
    );
    assert_eq!(old["user"], "1042");
    assert_eq!(old["messages"][2]["function_call"]["name"], "get_weather");
    assert_eq!(old["messages"][3]["role"], "function");
}

#[cfg(test)]
mod tests {
    #[test]
    fn runs() {
        super::main();
    }
}
