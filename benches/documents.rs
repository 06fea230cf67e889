//! What the parsed-document cache saves per request: parsing a frontend-sized document, against
//! what a cache hit costs instead (a lookup and a clone of the parsed document, which
//! async-graphql takes by value).
//!
//! `cargo bench --bench documents`

use std::hint::black_box;

use async_graphql::parser::parse_query;
use criterion::Criterion;

/// A typical screen's query: a page of organisations with nested relations and a fragment.
const SCREEN: &str = r#"
query OrganizationsScreen($first: Int, $after: String, $kinds: [OrganizationKind!]) {
  organizations(first: $first, after: $after, filter: { kinds: $kinds }) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges {
      cursor
      node {
        ...OrganizationCard
        members { role since user { displayName } }
        capabilities(first: 3) { nodes { id title { text } trlMin trlMax } }
        needs(first: 3) { nodes { id title { text } status } }
      }
    }
  }
}
fragment OrganizationCard on Organization {
  id kind bin website
  name { kk ru en text }
  region { code katoCode name { text } }
  scienceCity { id name { text } }
}
"#;

/// The load harness's nested page.
const PAGE: &str = "{ organizations(first: 50) { nodes { id name { en } region { code } members { role user { displayName } } } } }";

fn documents(c: &mut Criterion) {
    for (name, text) in [("screen", SCREEN), ("page", PAGE)] {
        let parsed = parse_query(text).expect("parses");
        let mut cache = lru::LruCache::new(std::num::NonZeroUsize::new(1_000).expect("size"));
        cache.put(std::sync::Arc::<str>::from(text), parsed);
        c.bench_function(&format!("{name}: parse"), |b| {
            b.iter(|| parse_query(black_box(text)).expect("parses"));
        });
        c.bench_function(&format!("{name}: cache hit (lookup + clone)"), |b| {
            b.iter(|| cache.get(black_box(text)).cloned().expect("cached"));
        });
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    documents(&mut c);
    c.final_summary();
}
