//! Every JSON answer is checked against the OpenAPI document the server publishes.

use axum::Router;
use serde_json::{Value, json};

use crate::support::{Resp, get};

/// The published OpenAPI document.
pub struct Spec {
    doc: Value,
}

impl Spec {
    /// Fetches `/api/openapi.json` from `router`.
    pub async fn load(router: &Router) -> Spec {
        let resp = get(router, "/api/openapi.json").await;
        assert_eq!(resp.status, 200);
        Spec { doc: resp.json() }
    }

    /// Asserts that `resp` is JSON valid against the schema the document gives for `GET
    /// template` with its status.
    pub fn check(&self, template: &str, resp: &Resp) -> Value {
        assert_eq!(
            resp.mime(),
            "application/json",
            "{template}: {}",
            resp.text()
        );
        let body = resp.json();
        let status = resp.status.as_u16().to_string();
        let operation = &self.doc["paths"][template]["get"];
        assert!(
            operation.is_object(),
            "{template} is not in the OpenAPI document"
        );
        let response = &operation["responses"][&status];
        assert!(
            response.is_object(),
            "{template}: status {status} is not documented: {}",
            resp.text()
        );
        let schema = &response["content"]["application/json"]["schema"];
        if schema.is_null() {
            // Documented without a schema (the OpenAPI document itself).
            return body;
        }
        let mut root = schema.clone();
        let map = root.as_object_mut().expect("a schema object");
        map.insert("components".into(), self.doc["components"].clone());
        map.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        let validator = jsonschema::validator_for(&root).expect("a valid schema");
        let errors: Vec<String> = validator
            .iter_errors(&body)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{template} ({status}): {errors:#?}\n{body:#}"
        );
        body
    }
}
