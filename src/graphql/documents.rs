//! GraphQL documents by hash: automatic persisted queries (Apollo's protocol), trusted
//! documents, and a cache of parsed documents.
//!
//! - **Automatic persisted queries.** A client sends `extensions.persistedQuery.sha256Hash`
//!   without `query`; unknown, it is answered `PERSISTED_QUERY_NOT_FOUND` (message
//!   `PersistedQueryNotFound`, as Apollo clients expect) and sends the query once with its
//!   hash, which registers it. Registrations live in a bounded LRU on each replica; a replica
//!   that has not seen a hash simply asks for it again.
//! - **Trusted documents** (`--trusted-documents FILE`): only the listed documents run, sent
//!   by hash or in full; anything else is `PERSISTED_QUERY_NOT_IN_LIST`, and nothing registers.
//! - **Parsed documents** are cached by their text, so a repeated query is not parsed again
//!   (HTTP requests; a WebSocket's operations are few and long-lived). Validation still runs on
//!   every request: async-graphql checks the variables' values in the same pass, so a cached
//!   verdict would let bad variables through.

use std::{
    collections::HashMap,
    num::NonZeroUsize,
    path::Path,
    sync::{Arc, Mutex},
};

use anyhow::Context as _;
use async_graphql::{Request, ServerError, ServerResult, Value, parser::types::ExecutableDocument};
use lru::LruCache;
use sha2::{Digest as _, Sha256};

use crate::error::ErrorCode;

/// Documents registered by automatic persisted queries, per replica.
const REGISTERED: usize = 2_000;
/// Parsed documents kept.
const PARSED: usize = 1_000;
/// Documents longer than this are neither registered nor cached: they are rare, and each
/// would hold that much memory.
const MAX_KEPT_BYTES: usize = 64 * 1024;

/// The documents a deployment trusts, by the hex SHA-256 of their text.
#[derive(Debug, Default, Clone)]
pub struct TrustedDocuments(HashMap<String, Arc<str>>);

impl TrustedDocuments {
    /// Reads a manifest: a JSON object from hash to document (GraphQL Code Generator's
    /// `persisted-documents.json`), or Apollo's persisted query manifest
    /// (`{"operations": [{"id", "body"}]}`). Every hash must be its document's.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read trusted documents {}", path.display()))?;
        let json: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("trusted documents {} are not JSON", path.display()))?;
        let pairs: Vec<(String, String)> = match json.get("operations") {
            Some(serde_json::Value::Array(ops)) => ops
                .iter()
                .map(|op| {
                    Some((
                        op.get("id")?.as_str()?.to_owned(),
                        op.get("body")?.as_str()?.to_owned(),
                    ))
                })
                .collect::<Option<_>>()
                .context("each operation of the manifest needs `id` and `body`")?,
            _ => serde_json::from_value::<HashMap<String, String>>(json)
                .context("trusted documents are a JSON object from SHA-256 hash to document")?
                .into_iter()
                .collect(),
        };
        let mut documents = HashMap::with_capacity(pairs.len());
        for (hash, body) in pairs {
            anyhow::ensure!(
                sha256(&body) == hash.to_ascii_lowercase(),
                "trusted document {hash} is not the SHA-256 of its text"
            );
            documents.insert(hash.to_ascii_lowercase(), Arc::from(body));
        }
        Ok(Self(documents))
    }

    /// How many documents are trusted.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The documents of one replica: trusted ones (if the deployment lists them), those registered
/// by automatic persisted queries, and parsed ones. Shared by every request.
pub struct Documents {
    trusted: Option<TrustedDocuments>,
    registered: Mutex<LruCache<String, Arc<str>>>,
    parsed: Mutex<LruCache<Arc<str>, ExecutableDocument>>,
}

impl std::fmt::Debug for Documents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Documents")
            .field("trusted", &self.trusted.as_ref().map(TrustedDocuments::len))
            .finish_non_exhaustive()
    }
}

impl Documents {
    /// Documents for a deployment that trusts `trusted` only, or any document when `None`.
    pub fn new(trusted: Option<TrustedDocuments>) -> Arc<Self> {
        Arc::new(Self {
            trusted,
            registered: Mutex::new(LruCache::new(nonzero(REGISTERED))),
            parsed: Mutex::new(LruCache::new(nonzero(PARSED))),
        })
    }

    /// Puts into `request` the text it runs: its own, a trusted one named by its hash, or one
    /// registered before under its hash.
    pub fn resolve(&self, request: &mut Request) -> ServerResult<()> {
        if let Some(query) = self.text_of(request)? {
            request.query = query.to_string();
        }
        Ok(())
    }

    /// `query` parsed, from the cache when it was parsed before. Only the parsing is cached:
    /// async-graphql still checks the document's depth and validates it (with the variables'
    /// values, in the same pass) on every request.
    pub fn parse(&self, query: &str) -> ServerResult<ExecutableDocument> {
        if let Some(document) = lock(&self.parsed).get(query) {
            return Ok(document.clone());
        }
        let document = async_graphql::parser::parse_query(query)?;
        if query.len() <= MAX_KEPT_BYTES {
            lock(&self.parsed).put(Arc::from(query), document.clone());
        }
        Ok(document)
    }

    /// The text `request` names by its hash, if it names one (or the deployment trusts only
    /// listed documents).
    fn text_of(&self, request: &Request) -> ServerResult<Option<Arc<str>>> {
        let hash = persisted_hash(request)?;
        let query = request.query.trim();
        if let Some(trusted) = &self.trusted {
            let hash = match hash {
                Some(hash) if query.is_empty() => hash,
                _ => sha256(&request.query),
            };
            return trusted.0.get(&hash).cloned().map(Some).ok_or_else(|| {
                refusal(
                    ErrorCode::PersistedQueryNotInList,
                    "this deployment runs trusted documents only, and this one is not among them",
                )
            });
        }
        let Some(hash) = hash else {
            return Ok(None);
        };
        if query.is_empty() {
            return lock(&self.registered)
                .get(&hash)
                .cloned()
                .map(Some)
                .ok_or_else(|| {
                    refusal(ErrorCode::PersistedQueryNotFound, "PersistedQueryNotFound")
                });
        }
        if sha256(&request.query) != hash {
            return Err(refusal(
                ErrorCode::BadUserInput,
                "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query",
            ));
        }
        if request.query.len() <= MAX_KEPT_BYTES {
            lock(&self.registered).put(hash, Arc::from(request.query.as_str()));
        }
        Ok(None)
    }
}

fn nonzero(n: usize) -> NonZeroUsize {
    NonZeroUsize::new(n).unwrap_or(NonZeroUsize::MIN)
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The hex SHA-256 of `text`.
fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The hash in `extensions.persistedQuery`, if the request names one.
fn persisted_hash(request: &Request) -> ServerResult<Option<String>> {
    let Some(persisted) = request.extensions.get("persistedQuery") else {
        return Ok(None);
    };
    let hash = match persisted {
        Value::Object(fields) => match (fields.get("version"), fields.get("sha256Hash")) {
            (Some(Value::Number(v)), Some(Value::String(hash))) if v.as_u64() == Some(1) => {
                Some(hash.to_ascii_lowercase())
            }
            _ => None,
        },
        _ => None,
    };
    hash.map(Some).ok_or_else(|| {
        refusal(
            ErrorCode::BadUserInput,
            "extensions.persistedQuery is `{\"version\": 1, \"sha256Hash\": \"<hex>\"}`",
        )
    })
}

fn refusal(code: ErrorCode, message: &str) -> ServerError {
    let mut error = ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code.as_str());
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(json: &serde_json::Value) -> anyhow::Result<TrustedDocuments> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("documents.json");
        std::fs::write(&path, json.to_string())?;
        TrustedDocuments::load(&path)
    }

    #[test]
    fn manifests_load_in_both_formats_and_hashes_are_checked() {
        let q = "{ regions { code } }";
        assert_eq!(
            sha256("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let hash = sha256(q);
        let map = manifest(&serde_json::json!({ hash.clone(): q })).expect("hash map");
        assert_eq!(map.len(), 1);
        let apollo = manifest(&serde_json::json!({
            "format": "apollo-persisted-query-manifest",
            "version": 1,
            "operations": [{ "id": hash, "name": "R", "type": "query", "body": q }]
        }))
        .expect("Apollo manifest");
        assert_eq!(apollo.len(), 1);
        let forged = manifest(&serde_json::json!({ sha256("{ __typename }"): q }));
        assert!(
            forged.is_err(),
            "a hash that is not its document's is refused"
        );
        assert!(manifest(&serde_json::json!([q])).is_err());
    }
}
