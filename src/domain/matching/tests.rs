use entity::need::{Confidentiality, NeedStatus, Sector};

use super::*;
use crate::{
    domain::{access::Access, text::Localized},
    error::AppError,
};

fn text(s: &str) -> Localized {
    Localized {
        ru: Some(s.into()),
        ..Default::default()
    }
}

fn need(id: i64, org: i64, title: &str, fields: &[&str]) -> NeedProfile {
    NeedProfile {
        id,
        organization_id: org,
        title: text(title),
        description: Localized::default(),
        keywords: vec![],
        requirements: vec![],
        fields: fields.iter().map(|s| s.to_string()).collect(),
        trl: (Some(4), Some(7)),
        budget: (None, Some(1_000_000_000)),
        sector: Some(Sector::Mining),
        confidentiality: Confidentiality::Public,
        status: NeedStatus::Open,
        shared_with: vec![],
        matched_capability_id: None,
    }
}

fn capability(id: i64, org: i64, title: &str, fields: &[&str]) -> CapabilityProfile {
    CapabilityProfile {
        id,
        organization_id: org,
        title: text(title),
        description: Localized::default(),
        keywords: vec![],
        equipment: vec![],
        fields: fields.iter().map(|s| s.to_string()).collect(),
        trl: Some(5),
        price: (Some(100_000_000), Some(500_000_000)),
        capacity: 2,
        sectors: vec![],
        active: true,
    }
}

fn engine() -> Engine {
    let mut e = Engine::new(Weights::default());
    e.upsert_capabilities(vec![
        capability(1, 10, "Катализаторы для переработки нефти", &["2.4"]),
        capability(2, 11, "Орошение пшеницы", &["4.1"]),
        capability(3, 12, "Коррозия нефтепроводов", &["2.4"]),
    ]);
    e.upsert_needs(vec![need(100, 20, "Катализатор для нефти", &["2.4"])]);
    e
}

#[test]
fn weights_are_normalised_and_checked() {
    let w = Weights::parse("text=1,fields=1").expect("valid");
    assert_eq!(w.get(FactorName::Text), 50.0);
    assert_eq!(w.get(FactorName::Trl), 0.0);
    let total: f64 = FactorName::ALL
        .iter()
        .map(|f| Weights::default().get(*f))
        .sum();
    assert!((total - 100.0).abs() < 1e-9);
    assert!(Weights::parse("text=-1").is_err());
    assert!(Weights::parse("colour=3").is_err());
    assert!(Weights::parse("text=0").is_err());
}

#[test]
fn contributions_add_up_and_relevant_text_ranks_first() {
    let e = engine();
    let viewer = Access::default();
    let matches = e.matches_for_need(100, &viewer, 10).expect("visible");
    assert_eq!(matches[0].capability_id, 1);
    for m in &matches {
        let sum: f64 = m.factors.iter().map(|f| f.contribution).sum();
        assert!((sum - m.score).abs() < 1e-9);
        assert!((0.0..=100.0).contains(&m.score));
    }
    // Catalysts for oil first, oil pipelines (same field, "нефт…") next. Wheat irrigation shares
    // neither a word nor a field, so retrieval never makes it a candidate.
    let order: Vec<i64> = matches.iter().map(|m| m.capability_id).collect();
    assert_eq!(order, vec![1, 3]);
    assert!(matches[0].score > matches[1].score);
}

#[test]
fn hard_filters_exclude_and_explain() {
    let mut e = engine();
    let mut inactive = capability(4, 13, "Катализаторы нефти", &["2.4"]);
    inactive.active = false;
    let mut full = capability(5, 14, "Катализаторы нефти", &["2.4"]);
    full.capacity = 0;
    let mut dear = capability(6, 15, "Катализаторы нефти", &["2.4"]);
    dear.price = (Some(2_000_000_000), None);
    let own = capability(7, 20, "Катализаторы нефти", &["2.4"]);
    e.upsert_capabilities(vec![inactive, full, dear, own]);
    let admin = Access::internal();
    let ids: Vec<i64> = e
        .matches_for_need(100, &admin, 50)
        .expect("visible")
        .iter()
        .map(|m| m.capability_id)
        .collect();
    for excluded in [4, 5, 6, 7] {
        assert!(!ids.contains(&excluded), "{excluded} in {ids:?}");
    }
    let why = |cap| e.explain(100, cap, &admin).expect("visible").exclusions;
    assert_eq!(why(4), vec![Exclusion::CapabilityInactive]);
    assert_eq!(why(5), vec![Exclusion::NoCapacity]);
    assert_eq!(why(6), vec![Exclusion::PriceAboveBudget]);
    assert_eq!(why(7), vec![Exclusion::OwnOrganization]);
    assert!(why(1).is_empty());
}

#[test]
fn confidential_needs_are_invisible_and_teasers_scored_on_their_teaser() {
    let mut e = engine();
    let mut secret = need(101, 21, "Катализатор для нефти", &["2.4"]);
    secret.confidentiality = Confidentiality::Confidential;
    let mut teaser = need(102, 22, "Катализатор", &["2.4"]);
    teaser.confidentiality = Confidentiality::Teaser;
    teaser.description = text("переработка нефти коррозия");
    e.upsert_needs(vec![secret, teaser]);
    let stranger = Access::member_of([10]);
    let found = e.matches_for_capability(1, &stranger, 50).expect("visible");
    assert!(found.iter().all(|m| m.need_id != 101));
    let t = found
        .iter()
        .find(|m| m.need_id == 102)
        .expect("teaser listed");
    assert!(t.teaser_only);
    assert!(matches!(
        e.matches_for_need(101, &stranger, 5),
        Err(AppError::NotFound { .. })
    ));
    assert!(matches!(
        e.matches_for_need(102, &stranger, 5),
        Err(AppError::Forbidden(_))
    ));
    let shared = Access::member_of([21]);
    assert!(e.matches_for_need(101, &shared, 5).is_ok());
}

#[test]
fn a_price_floor_above_the_budget_counts_nothing_and_says_so() {
    // Tiyn: a 1,500,000 KZT floor, no ceiling, against a 1,000,000 KZT budget.
    let (value, detail) =
        factors::budget_factor((None, Some(100_000_000)), (Some(150_000_000), None));
    assert_eq!(value, 0.0);
    let words = detail.words();
    assert_eq!(
        words.en.as_deref(),
        Some("price from 1 500 000 KZT, above the budget of 1 000 000 KZT")
    );
    assert_eq!(
        words.ru.as_deref(),
        Some("цена от 1 500 000 тенге, выше бюджета 1 000 000 тенге")
    );
    let (value, detail) = factors::budget_factor(
        (None, Some(100_000_000)),
        (Some(50_000_000), Some(150_000_000)),
    );
    assert_eq!(value, 0.5);
    let words = detail.words();
    assert!(words.en.is_some_and(|w| w.contains("50% of the range")));
    assert!(words.kk.is_some_and(|w| w.contains("ауқымның 50%")));
}
