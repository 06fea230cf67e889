//! Partner ranking on real Horizon 2020 consortia (`../shared/benchmarks/h2020-partners/`):
//! loads a variant through `kopir import` into a fresh SQLite database, posts each query as a
//! need of its company, ranks universities and research institutes with `partnersForNeed`'s
//! domain call, and prints NDCG@10, Recall@10, Recall@50 and MRR beside popularity, co-partner
//! and BM25 computed here on the same data, plus one row per factor family and one for
//! `partnerSuggestions` (each query's company ranked by its own record, before any need is
//! posted).
//!
//! `cargo bench --bench partner_eval -- [DATA_FOLDER] [QUERIES_FILE]` (default: the energy
//! variant and its dev queries). Metrics follow the data's README: binary gains, the ranking
//! restricted to the candidate pool. With `KOPIR_EVAL_DUMP=FILE`, every query's top 300 (in
//! the pool) is written with its PIC, factor values and the baselines' signals, one JSON line
//! per query with its company's PIC, for fitting weights and trying new signals offline.

use std::{
    collections::{HashMap, HashSet},
    io::Write as _,
    path::{Path, PathBuf},
    process::Command,
    time::Instant,
};

use entity::{
    need::Confidentiality,
    organization::{self, OrganizationKind},
};
use kopir::domain::{
    access::Access,
    accounts,
    matching::{PartnerFactorName, PartnerMatch, PartnerWeights, Weights, store::Matcher},
    needs::{self, NewNeed},
    outcomes::MeetingRules,
    text::{Localized, fold},
};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use serde::Deserialize;
use serde_json::json;
use unicode_segmentation::UnicodeSegmentation as _;

#[derive(Deserialize)]
struct Org {
    id: String,
    name: String,
    country: String,
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Deserialize)]
struct Participant {
    organization_id: String,
    role: String,
}

#[derive(Deserialize)]
struct Project {
    id: String,
    start_date: String,
    text: String,
    participants: Vec<Participant>,
}

#[derive(Deserialize)]
struct Query {
    company_id: String,
    text: String,
    relevant: Vec<String>,
}

fn read_jsonl<T: serde::de::DeserializeOwned>(path: &Path) -> Vec<T> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a JSON record"))
        .collect()
}

/// The longest prefix of `text` within `max` characters, cut at a word boundary.
fn clip(text: &str, max: usize) -> &str {
    if text.chars().count() <= max {
        return text;
    }
    let end = text.char_indices().nth(max).map_or(text.len(), |(i, _)| i);
    let cut = text[..end].rfind(' ').unwrap_or(end);
    &text[..cut]
}

/// A project's title: its text's first sentence, as CORDIS puts the title first.
fn title_of(text: &str) -> &str {
    let first = text.split(". ").next().unwrap_or(text);
    clip(first, 200)
}

/// Writes the variant as `kopir import` files.
fn write_import_files(
    dir: &Path,
    orgs: &[Org],
    projects: &[Project],
) -> std::io::Result<(PathBuf, PathBuf)> {
    let org_path = dir.join("organizations.jsonl");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&org_path)?);
    for o in orgs {
        // CORDIS types: HES higher education, REC research, PRC company, PUB public body, OTH
        // other. Kopir has no public-body kind yet; neither kind is a candidate here.
        let kind = match o.kind.as_str() {
            "HES" => "UNIVERSITY",
            "REC" => "RESEARCH_INSTITUTE",
            _ => "ENTERPRISE",
        };
        let name = if o.name.trim().is_empty() {
            format!("PIC {}", o.id)
        } else {
            clip(&o.name, 300).to_owned()
        };
        // Kazakh organisations need a BIN and a region, which CORDIS does not give; "ZZ" is
        // ISO 3166's code for an unknown country.
        let country = if o.country == "KZ" || o.country.len() != 2 {
            "ZZ"
        } else {
            &o.country
        };
        let line = json!({"source": "cordis", "externalId": o.id, "kind": kind,
            "name": {"en": name}, "country": country});
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    let portfolio_path = dir.join("portfolio.jsonl");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&portfolio_path)?);
    for p in projects {
        let title = if p.text.trim().is_empty() {
            format!("Project {}", p.id)
        } else {
            title_of(&p.text).to_owned()
        };
        let mut line = json!({"source": "cordis", "externalId": p.id, "kind": "PROJECT",
            "title": {"en": title}, "startDate": p.start_date,
            "participants": p.participants.iter().map(|x| json!({
                "externalId": x.organization_id,
                "role": if x.role == "coordinator" { "COORDINATOR" } else { "PARTICIPANT" },
            })).collect::<Vec<_>>()});
        if !p.text.trim().is_empty() {
            line["abstract"] = json!({"en": clip(&p.text, 20_000)});
        }
        writeln!(out, "{line}")?;
    }
    out.flush()?;
    Ok((org_path, portfolio_path))
}

#[derive(Default, Clone, Copy)]
struct Metrics {
    ndcg10: f64,
    r10: f64,
    r50: f64,
    mrr: f64,
}

impl Metrics {
    fn of(ranking: &[&str], relevant: &HashSet<&str>) -> Self {
        let hit = |i: usize| relevant.contains(ranking[i]);
        let dcg: f64 = (0..ranking.len().min(10))
            .filter(|&i| hit(i))
            .map(|i| 1.0 / (i as f64 + 2.0).log2())
            .sum();
        let ideal: f64 = (0..relevant.len().min(10))
            .map(|i| 1.0 / (i as f64 + 2.0).log2())
            .sum();
        let recall = |k: usize| {
            (0..ranking.len().min(k)).filter(|&i| hit(i)).count() as f64 / relevant.len() as f64
        };
        let mrr = (0..ranking.len())
            .find(|&i| hit(i))
            .map_or(0.0, |i| 1.0 / (i as f64 + 1.0));
        Self {
            ndcg10: dcg / ideal,
            r10: recall(10),
            r50: recall(50),
            mrr,
        }
    }

    /// Metrics of a Kopir ranking, restricted to the candidate pool.
    fn of_ranked(
        ranked: &[PartnerMatch],
        q: &Query,
        pic_of: &HashMap<i64, &str>,
        in_pool: &HashSet<&str>,
    ) -> Self {
        let ranking: Vec<&str> = ranked
            .iter()
            .filter_map(|m| pic_of.get(&m.organization_id).copied())
            .filter(|pic| in_pool.contains(pic))
            .take(50)
            .collect();
        Self::of(&ranking, &q.relevant.iter().map(String::as_str).collect())
    }

    fn add(&mut self, o: Self) {
        self.ndcg10 += o.ndcg10;
        self.r10 += o.r10;
        self.r50 += o.r50;
        self.mrr += o.mrr;
    }

    fn print(self, name: &str, n: usize) {
        let n = n as f64;
        println!(
            "{name:<34} {:>8.3} {:>8.3} {:>8.3} {:>8.3}",
            self.ndcg10 / n,
            self.r10 / n,
            self.r50 / n,
            self.mrr / n
        );
    }
}

fn words(text: &str) -> Vec<String> {
    fold(text).unicode_words().map(str::to_owned).collect()
}

/// The README's BM25 (k1 1.2, b 0.75) over each candidate's country and project texts.
struct Bm25 {
    docs: Vec<(String, HashMap<String, f64>, f64)>,
    df: HashMap<String, f64>,
    avg: f64,
}

impl Bm25 {
    fn new(docs: Vec<(String, String)>) -> Self {
        let mut out = Bm25 {
            docs: Vec::new(),
            df: HashMap::new(),
            avg: 0.0,
        };
        for (id, text) in docs {
            let ws = words(&text);
            let mut tf: HashMap<String, f64> = HashMap::new();
            for w in &ws {
                *tf.entry(w.clone()).or_default() += 1.0;
            }
            for w in tf.keys() {
                *out.df.entry(w.clone()).or_default() += 1.0;
            }
            out.avg += ws.len() as f64;
            out.docs.push((id, tf, ws.len() as f64));
        }
        out.avg /= out.docs.len().max(1) as f64;
        out
    }

    fn scores(&self, query: &str) -> HashMap<&str, f64> {
        let n = self.docs.len() as f64;
        let mut q: HashMap<String, f64> = HashMap::new();
        for w in words(query) {
            *q.entry(w).or_default() += 1.0;
        }
        self.docs
            .iter()
            .map(|(id, tf, len)| {
                let s: f64 = q
                    .iter()
                    .filter_map(|(w, qf)| {
                        let f = *tf.get(w)?;
                        let df = self.df[w];
                        let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                        Some(qf * idf * f * 2.2 / (f + 1.2 * (0.25 + 0.75 * len / self.avg)))
                    })
                    .sum();
                (id.as_str(), s)
            })
            .collect()
    }
}

/// Sorts `pool` by `key` descending, then popularity, then id.
fn rank_by<'a>(
    pool: &[&'a str],
    popularity: &HashMap<&str, usize>,
    key: impl Fn(&str) -> f64,
) -> Vec<&'a str> {
    let mut out = pool.to_vec();
    out.sort_by(|a, b| {
        key(b)
            .total_cmp(&key(a))
            .then(popularity.get(b).cmp(&popularity.get(a)))
            .then(a.cmp(b))
    });
    out.truncate(50);
    out
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let folder = args.first().map_or_else(
        || root.join("../shared/benchmarks/h2020-partners/energy"),
        PathBuf::from,
    );
    let queries_path = args
        .get(1)
        .map_or_else(|| folder.join("queries_dev.jsonl"), PathBuf::from);
    let orgs: Vec<Org> = read_jsonl(&folder.join("organizations.jsonl"));
    let projects: Vec<Project> = read_jsonl(&folder.join("projects.jsonl"));
    let queries: Vec<Query> = read_jsonl(&queries_path);
    let pool: Vec<String> = std::fs::read_to_string(folder.join("candidates.txt"))?
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let pool: Vec<&str> = pool.iter().map(String::as_str).collect();
    let in_pool: HashSet<&str> = pool.iter().copied().collect();
    println!(
        "{}: {} organisations, {} projects, {} candidates, {} queries ({})",
        folder.display(),
        orgs.len(),
        projects.len(),
        pool.len(),
        queries.len(),
        queries_path.display()
    );

    // Load through `kopir import`, the command an operator runs.
    let dir = tempfile::tempdir()?;
    let (org_file, portfolio_file) = write_import_files(dir.path(), &orgs, &projects)?;
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("eval.db").display());
    let started = Instant::now();
    let status = Command::new(env!("CARGO_BIN_EXE_kopir"))
        .args(["import", "--organizations"])
        .arg(&org_file)
        .arg("--portfolio")
        .arg(&portfolio_file)
        .env("KOPIR_DATABASE_URL", &url)
        .stderr(std::process::Stdio::null())
        .status()?;
    anyhow::ensure!(status.success(), "kopir import failed");
    println!("imported in {:.1} s", started.elapsed().as_secs_f64());

    let db = kopir::db::connect(&url, 4).await?;
    let ids: HashMap<String, i64> = organization::Entity::find()
        .filter(organization::Column::Source.eq("cordis"))
        .all(&db)
        .await?
        .into_iter()
        .filter_map(|o| Some((o.external_id?, o.id)))
        .collect();
    let pic_of: HashMap<i64, &str> = ids.iter().map(|(k, &v)| (v, k.as_str())).collect();
    let (admin, _) =
        accounts::bootstrap_admin(&db, "eval@kopir.test", "evaluation-only-1".into(), "Eval")
            .await?;
    let access = Access::load(&db, admin.id).await?;
    let rules = MeetingRules::default();

    let matcher = Matcher::new(Weights::default());
    let kinds = [
        OrganizationKind::University,
        OrganizationKind::ResearchInstitute,
    ];
    // `partnerSuggestions` for each query's company before any need is posted: the company's
    // own record is all it is ranked by.
    let mut suggestions = Metrics::default();
    for q in &queries {
        let ranked = matcher
            .partners_for_organization(&db, &rules, &access, ids[&q.company_id], &kinds, 200)
            .await?;
        suggestions.add(Metrics::of_ranked(&ranked, q, &pic_of, &in_pool));
    }

    // Each query as a need of its company.
    let started = Instant::now();
    let mut need_ids = Vec::with_capacity(queries.len());
    for q in &queries {
        let need = needs::post(
            &db,
            &access,
            NewNeed {
                organization_id: ids[&q.company_id],
                title: Localized {
                    en: Some(clip(title_of(&q.text), 300).to_owned()),
                    ..Localized::default()
                },
                description: Localized {
                    en: Some(clip(&q.text, 10_000).to_owned()),
                    ..Localized::default()
                },
                keywords: Vec::new(),
                fields: Vec::new(),
                irsti_codes: Vec::new(),
                trl_min: None,
                trl_max: None,
                budget_min: None,
                budget_max: None,
                deadline: None,
                requirements: Vec::new(),
                confidentiality: Confidentiality::Confidential,
                sector: None,
                shared_with: Vec::new(),
            },
        )
        .await?;
        need_ids.push(need.id);
    }
    println!(
        "posted {} needs in {:.1} s",
        need_ids.len(),
        started.elapsed().as_secs_f64()
    );

    // Baselines, from the raw data as the README defines them.
    let mut popularity: HashMap<&str, usize> = HashMap::new();
    let mut shared: HashMap<(&str, &str), usize> = HashMap::new();
    let mut profile: HashMap<&str, String> = HashMap::new();
    for p in &projects {
        let members: HashSet<&str> = p
            .participants
            .iter()
            .map(|x| x.organization_id.as_str())
            .collect();
        for &a in &members {
            *popularity.entry(a).or_default() += 1;
            if in_pool.contains(a) && !p.text.is_empty() {
                let text = profile.entry(a).or_default();
                text.push(' ');
                text.push_str(&p.text);
            }
            for &b in &members {
                if a != b {
                    *shared.entry((a, b)).or_default() += 1;
                }
            }
        }
    }
    let country: HashMap<&str, &str> = orgs
        .iter()
        .map(|o| (o.id.as_str(), o.country.as_str()))
        .collect();
    let bm25 = Bm25::new(
        pool.iter()
            .map(|&c| {
                let text = format!(
                    "{} {}",
                    country.get(c).copied().unwrap_or(""),
                    profile.get(c).map_or("", String::as_str)
                );
                (c.to_owned(), text)
            })
            .collect(),
    );

    let mut baselines = [Metrics::default(); 3];
    for q in &queries {
        let relevant: HashSet<&str> = q.relevant.iter().map(String::as_str).collect();
        let company = q.company_id.as_str();
        let others: Vec<&str> = pool.iter().copied().filter(|&c| c != company).collect();
        let by_pop = rank_by(&others, &popularity, |c| {
            popularity.get(c).copied().unwrap_or(0) as f64
        });
        let same = |c: &str| f64::from(u8::from(country.get(c) == country.get(company)));
        let by_partner = rank_by(&others, &popularity, |c| {
            shared.get(&(company, c)).copied().unwrap_or(0) as f64 * 10.0 + same(c)
        });
        let scores = bm25.scores(&q.text);
        let by_text = rank_by(&others, &popularity, |c| {
            scores.get(c).copied().unwrap_or(0.0)
        });
        for (m, ranking) in baselines.iter_mut().zip([by_pop, by_partner, by_text]) {
            m.add(Metrics::of(&ranking, &relevant));
        }
    }

    println!();
    println!(
        "{:<34} {:>8} {:>8} {:>8} {:>8}",
        "ranker", "NDCG@10", "R@10", "R@50", "MRR"
    );
    for (name, m) in ["popularity", "co-partner", "BM25 (profile)"]
        .into_iter()
        .zip(baselines)
    {
        m.print(name, queries.len());
    }

    use PartnerFactorName::*;
    let variants: Vec<(&str, PartnerWeights)> = vec![
        ("Kopir: text only", PartnerWeights::only(&[Text])),
        (
            "Kopir: relationships only",
            PartnerWeights::only(&[History, Network, Experience, Geography]),
        ),
        (
            "Kopir: all but history",
            PartnerWeights::only(&[Text, Network, Experience, Geography]),
        ),
        (
            "Kopir: all but network",
            PartnerWeights::only(&[Text, History, Experience, Geography]),
        ),
        (
            "Kopir: all but experience",
            PartnerWeights::only(&[Text, History, Network, Geography]),
        ),
        (
            "Kopir: all but geography",
            PartnerWeights::only(&[Text, History, Network, Experience]),
        ),
        ("Kopir: all factors (shipped)", PartnerWeights::default()),
    ];
    suggestions.print("partnerSuggestions (no need text)", queries.len());
    let mut latencies = Vec::new();
    for (name, weights) in variants {
        matcher.set_partner_weights(weights).await;
        let mut total = Metrics::default();
        for (q, &need_id) in queries.iter().zip(&need_ids) {
            let started = Instant::now();
            let ranked = matcher
                .partners_for_need(&db, &rules, &access, need_id, &kinds, 200)
                .await?;
            latencies.push(started.elapsed());
            total.add(Metrics::of_ranked(&ranked, q, &pic_of, &in_pool));
        }
        total.print(name, queries.len());
    }
    // With KOPIR_EVAL_DUMP set, write every query's top 300 under the shipped weights with
    // their raw factor values, for fitting a combination offline.
    if let Ok(path) = std::env::var("KOPIR_EVAL_DUMP") {
        matcher.set_partner_weights(PartnerWeights::default()).await;
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
        for (q, &need_id) in queries.iter().zip(&need_ids) {
            let ranked = matcher
                .partners_for_need(&db, &rules, &access, need_id, &kinds, 300)
                .await?;
            let company = q.company_id.as_str();
            let bm = bm25.scores(&q.text);
            let top = bm.values().copied().fold(0.0, f64::max).max(1e-9);
            let rows: Vec<_> = ranked
                .iter()
                .filter_map(|m| {
                    let pic = *pic_of.get(&m.organization_id)?;
                    in_pool.contains(pic).then(|| {
                        let v: Vec<f64> = m.factors.iter().map(|f| f.value).collect();
                        json!({
                            "pic": pic,
                            "relevant": q.relevant.iter().any(|r| r == pic),
                            "values": v,
                            "shared": shared.get(&(company, pic)).copied().unwrap_or(0),
                            "common": m.evidence.common_partner_count,
                            "projects": popularity.get(pic).copied().unwrap_or(0),
                            "bm25": bm.get(pic).copied().unwrap_or(0.0) / top,
                        })
                    })
                })
                .collect();
            writeln!(
                out,
                "{}",
                json!({ "company": company, "relevant": q.relevant.len(), "rows": rows })
            )?;
        }
    }
    latencies.sort();
    let at = |p: f64| latencies[((latencies.len() - 1) as f64 * p) as usize];
    println!(
        "\npartnersForNeed (top 200, with evidence): p50 {:.1} ms, p95 {:.1} ms over {} calls",
        at(0.5).as_secs_f64() * 1e3,
        at(0.95).as_secs_f64() * 1e3,
        latencies.len()
    );
    Ok(())
}
