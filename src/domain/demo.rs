//! The demo world (`kopir seed-demo`, `kopir serve --demo`): something real to build a screen
//! against from the first minute. Three science cities, the real universities of
//! `demo/universities.csv`, R&D sites, a Management Company, investors, enterprises with valid
//! (synthetic) BINs, needs and the capabilities that answer them in Kazakh, Russian and
//! English, shared projects (one members-only), a coming brokerage session with meetings in
//! every state a session yet to come can hold and a past one with meetings held, missed,
//! disputed, awaiting reports and expired, deals in every stage with their financing,
//! infrastructure projects with their financing, and demo targets for the indicators.
//!
//! Everything goes through the same domain functions as the API, so the demo obeys every rule
//! the API does. The content is fixed; dates are relative to the day of seeding (a session two
//! weeks ahead, deadlines next year), so a demo seeded any day looks current. A second run adds
//! nothing: the Management Company's BIN marks a seeded database.

use chrono::{Datelike as _, Duration, NaiveDate, TimeZone as _, Utc};
use entity::{
    deal::{DealStage, DealType},
    deal_financing::FinancingSource,
    deal_party::PartyRole,
    infrastructure_financing::{FinancingInstrument, InvestmentSource},
    infrastructure_project::InfrastructureKind,
    meeting::DeclineReason,
    membership::MembershipRole,
    need::{Confidentiality, Sector},
    organization::{self, OrganizationKind},
    portfolio_item::PortfolioKind,
    portfolio_participant::ParticipantRole,
};
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};

use super::{
    Services, access::Access, accounts, bin, capabilities, deals, indicators, infrastructure,
    meetings, memberships, needs, organizations, portfolio, science_cities, sessions,
    text::Localized,
};
use crate::error::{AppError, AppResult};

/// Every demo account's password (shown in the README; demo databases only).
pub const PASSWORD: &str = "kopir-demo-2026";

/// The demo accounts, one per role: e-mail, display name.
pub const ACCOUNTS: [(&str, &str); 6] = [
    ("admin@demo.kopir.kz", "Platform administrator"),
    ("mc@demo.kopir.kz", "Management Company officer"),
    ("university@demo.kopir.kz", "University liaison"),
    ("enterprise@demo.kopir.kz", "Enterprise innovation manager"),
    ("rnd@demo.kopir.kz", "R&D site manager"),
    ("investor@demo.kopir.kz", "Investment officer"),
];

/// What a seeding did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seeded {
    /// The world was written: this many organisations.
    Written {
        /// Organisations created.
        organizations: usize,
    },
    /// The database holds the demo world already; nothing was written.
    AlreadyThere,
}

fn text(kk: &str, ru: &str, en: &str) -> Localized {
    Localized {
        kk: Some(kk.to_owned()),
        ru: Some(ru.to_owned()),
        en: Some(en.to_owned()),
    }
}

/// The `n`-th demo BIN: registered January 2026, resident legal entity, head office.
fn demo_bin(n: u32) -> String {
    (n..)
        .find_map(|serial| {
            let body = format!("260140{serial:05}");
            let digits: Vec<u32> = body.chars().filter_map(|c| c.to_digit(10)).collect();
            bin::check_digit(&digits).map(|d| format!("{body}{d}"))
        })
        .unwrap_or_default()
}

/// The Management Company's BIN: its presence marks a seeded database.
fn marker() -> String {
    demo_bin(1)
}

/// A need an enterprise posts and the capability that answers it, each written in Kazakh,
/// Russian and English.
struct Pair {
    need: Localized,
    need_about: Localized,
    capability: Localized,
    capability_about: Localized,
    keywords: &'static [&'static str],
    field: &'static str,
    sector: Sector,
}

fn pairs() -> Vec<Pair> {
    vec![
        Pair {
            need: text(
                "Мұнай өңдеу зауытына арналған гидрокрекинг катализаторлары",
                "Катализаторы гидрокрекинга для нефтеперерабатывающего завода",
                "Hydrocracking catalysts for an oil refinery",
            ),
            need_about: text(
                "Ауыр мұнай қалдықтарын өңдейтін отандық никель-молибден катализаторы қажет.",
                "Нужен отечественный никель-молибденовый катализатор для переработки тяжёлых нефтяных остатков.",
                "We need a domestic nickel-molybdenum catalyst for upgrading heavy oil residues.",
            ),
            capability: text(
                "Гидрокрекинг катализаторларын әзірлеу және пилоттық сынау",
                "Разработка и пилотные испытания катализаторов гидрокрекинга",
                "Hydrocracking catalyst development and pilot testing",
            ),
            capability_about: text(
                "Никель-молибден катализаторлары, ауыр мұнай қалдықтарын пилоттық қондырғыда сынау.",
                "Никель-молибденовые катализаторы, испытания на пилотной установке с тяжёлыми нефтяными остатками.",
                "Nickel-molybdenum catalysts, tested on a pilot unit with heavy oil residues.",
            ),
            keywords: &["hydrocracking", "catalyst", "refinery"],
            field: "2.4",
            sector: Sector::Energy,
        },
        Pair {
            need: text(
                "Күн электр станциясына арналған энергия жинақтау жүйесі",
                "Система накопления энергии для солнечной электростанции",
                "Energy storage for a solar power plant",
            ),
            need_about: text(
                "Шөлейт климатта жұмыс істейтін литий-темір-фосфат аккумуляторлары, 20 МВт·сағ.",
                "Литий-железо-фосфатные аккумуляторы для жаркого климата, 20 МВт·ч.",
                "Lithium iron phosphate batteries for a hot climate, 20 MWh.",
            ),
            capability: text(
                "Жаңартылатын энергетикаға арналған аккумуляторлық жинақтағыштар",
                "Аккумуляторные накопители для возобновляемой энергетики",
                "Battery energy storage for renewable power",
            ),
            capability_about: text(
                "Литий-темір-фосфат ұяшықтарын жобалау, ыстық климатта сынау, басқару жүйелері.",
                "Проектирование литий-железо-фосфатных батарей, испытания в жарком климате, системы управления.",
                "Lithium iron phosphate battery design, hot-climate testing and battery management.",
            ),
            keywords: &["energy storage", "battery", "solar"],
            field: "2.2",
            sector: Sector::Energy,
        },
        Pair {
            need: text(
                "Тау-кен жабдығына машиналық оқыту арқылы болжамды қызмет көрсету",
                "Предиктивное обслуживание горного оборудования с машинным обучением",
                "Predictive maintenance of mining equipment with machine learning",
            ),
            need_about: text(
                "Карьер самосвалдарының дірілі мен температурасы бойынша ақауларды алдын ала болжау.",
                "Прогноз отказов карьерных самосвалов по вибрации и температуре.",
                "Forecast failures of haul trucks from vibration and temperature data.",
            ),
            capability: text(
                "Өнеркәсіптік жабдықтың ақауларын машиналық оқытумен болжау",
                "Прогнозирование отказов промышленного оборудования методами машинного обучения",
                "Machine learning for industrial equipment failure prediction",
            ),
            capability_about: text(
                "Діріл және температура датчиктерінің деректері, тау-кен самосвалдары, болжамды қызмет көрсету.",
                "Данные датчиков вибрации и температуры, карьерные самосвалы, предиктивное обслуживание.",
                "Vibration and temperature sensor data, haul trucks, predictive maintenance.",
            ),
            keywords: &["predictive maintenance", "machine learning", "mining"],
            field: "1.2",
            sector: Sector::Mining,
        },
        Pair {
            need: text(
                "Металлургия кәсіпорнының ағынды суларын тазарту",
                "Очистка сточных вод металлургического производства",
                "Wastewater treatment for a metallurgical plant",
            ),
            need_about: text(
                "Ауыр металдарды ағынды сулардан мембраналық әдіспен алу.",
                "Мембранное извлечение тяжёлых металлов из сточных вод.",
                "Membrane removal of heavy metals from plant wastewater.",
            ),
            capability: text(
                "Ауыр металдардан ағынды суларды мембраналық тазарту",
                "Мембранная очистка сточных вод от тяжёлых металлов",
                "Membrane treatment of industrial wastewater from heavy metals",
            ),
            capability_about: text(
                "Металлургия ағынды суларына арналған мембраналар мен сорбенттер.",
                "Мембраны и сорбенты для сточных вод металлургии.",
                "Membranes and sorbents for metallurgical wastewater.",
            ),
            keywords: &["wastewater", "membrane", "heavy metals"],
            field: "2.7",
            sector: Sector::WaterAndWaste,
        },
        Pair {
            need: text(
                "Құрғақшылыққа төзімді бидай сорттары",
                "Засухоустойчивые сорта пшеницы",
                "Drought-tolerant wheat varieties",
            ),
            need_about: text(
                "Солтүстік Қазақстан далалары үшін жоғары өнімді, құрғақшылыққа төзімді бидай.",
                "Урожайная засухоустойчивая пшеница для степей Северного Казахстана.",
                "High-yield drought-tolerant wheat for the steppes of North Kazakhstan.",
            ),
            capability: text(
                "Құрғақшылыққа төзімді бидайды селекциялау",
                "Селекция засухоустойчивой пшеницы",
                "Breeding drought-tolerant wheat",
            ),
            capability_about: text(
                "Маркерлік селекция, дала сынақтары, құрғақшылыққа төзімді бидай сорттары.",
                "Маркерная селекция, полевые испытания, засухоустойчивые сорта пшеницы.",
                "Marker-assisted breeding and field trials of drought-tolerant wheat.",
            ),
            keywords: &["wheat", "drought", "breeding"],
            field: "4.1",
            sector: Sector::Agriculture,
        },
        Pair {
            need: text(
                "Радиациялық мониторинг датчиктері",
                "Датчики радиационного мониторинга",
                "Radiation monitoring sensors",
            ),
            need_about: text(
                "Бұрынғы полигон аумағында гамма-сәулеленуді қашықтан бақылау.",
                "Дистанционный контроль гамма-излучения на территории бывшего полигона.",
                "Remote gamma radiation monitoring on the former test site.",
            ),
            capability: text(
                "Гамма-сәулеленуді қашықтан бақылайтын датчиктер желісі",
                "Сеть датчиков дистанционного контроля гамма-излучения",
                "Sensor networks for remote gamma radiation monitoring",
            ),
            capability_about: text(
                "Сцинтилляциялық датчиктер, радиациялық мониторинг, деректерді жіберу.",
                "Сцинтилляционные датчики, радиационный мониторинг, передача данных.",
                "Scintillation sensors, radiation monitoring and data links.",
            ),
            keywords: &["radiation", "gamma", "sensors"],
            field: "1.3",
            sector: Sector::Other,
        },
    ]
}

/// Seeds the demo world, unless the database holds it already.
pub async fn seed(services: &Services) -> AppResult<Seeded> {
    let db = &services.db;
    if organization::Entity::find()
        .filter(organization::Column::Bin.eq(marker()))
        .one(db)
        .await?
        .is_some()
    {
        return Ok(Seeded::AlreadyThere);
    }
    let (admin, _) =
        accounts::bootstrap_admin(db, ACCOUNTS[0].0, PASSWORD.to_owned(), ACCOUNTS[0].1).await?;
    let admin = Access::load(db, admin.id).await?;
    let mut users = Vec::new();
    for (email, name) in &ACCOUNTS[1..] {
        let signed = accounts::register(
            db,
            &services.tokens,
            &services.passwords,
            email,
            PASSWORD.to_owned(),
            name,
        )
        .await?;
        users.push(signed.user.id);
    }
    let [mc_user, uni_user, ent_user, rnd_user, inv_user] = users[..] else {
        return Err(AppError::Internal(anyhow::anyhow!("five demo accounts")));
    };
    let mut world = World {
        services,
        serial: 1,
        organizations: 0,
    };

    // Science cities.
    let mut cities = Vec::new();
    for (name, region) in [
        (
            text(
                "Алатау ғылым қаласы",
                "Наукоград Алатау",
                "Alatau Science City",
            ),
            "KZ-19",
        ),
        (
            text(
                "Курчатов ғылым қаласы",
                "Наукоград Курчатов",
                "Kurchatov Science City",
            ),
            "KZ-10",
        ),
        (
            text(
                "Астана ғылым қаласы",
                "Наукоград Астана",
                "Astana Science City",
            ),
            "KZ-71",
        ),
    ] {
        let city = science_cities::create(
            db,
            &admin,
            science_cities::NewScienceCity {
                name,
                region_code: region.to_owned(),
                status: None,
            },
        )
        .await?;
        cities.push(city.id);
    }

    // The Management Company first: its BIN marks the world. Only platform admins create
    // it; its officer joins by invitation.
    let mc = world
        .organization(
            admin.user_id()?,
            OrganizationKind::ManagementCompany,
            text(
                "Ғылым қалаларын басқарушы компания",
                "Управляющая компания наукоградов",
                "Science Cities Management Company",
            ),
            "KZ-71",
            Some(cities[2]),
        )
        .await?;
    let invitation =
        memberships::invite(db, &admin, mc, ACCOUNTS[1].0, MembershipRole::Admin).await?;
    memberships::respond(db, &Access::load(db, mc_user).await?, invitation.id, true).await?;

    // The real universities.
    let mut universities = Vec::new();
    let mut csv = csv::Reader::from_reader(include_str!("demo/universities.csv").as_bytes());
    for row in csv.records() {
        let row = row.map_err(|e| AppError::Internal(e.into()))?;
        let (name, prefix) = (
            row.get(0).unwrap_or_default(),
            row.get(2).unwrap_or_default(),
        );
        let city = match prefix {
            "19" => Some(cities[0]),
            "10" => Some(cities[1]),
            "71" => Some(cities[2]),
            _ => None,
        };
        let org = world
            .organization(
                uni_user,
                OrganizationKind::University,
                Localized {
                    en: Some(name.to_owned()),
                    ..Localized::default()
                },
                &format!("KZ-{prefix}"),
                city,
            )
            .await?;
        universities.push((name.to_owned(), org));
    }

    // R&D sites, one of each kind, across the three cities.
    let mut sites = Vec::new();
    for (i, (kind, name)) in [
        (
            OrganizationKind::Technopark,
            text("Алатау технопаркі", "Технопарк Алатау", "Alatau Technopark"),
        ),
        (
            OrganizationKind::EngineeringCenter,
            text(
                "Курчатов инжиниринг орталығы",
                "Инжиниринговый центр Курчатов",
                "Kurchatov Engineering Centre",
            ),
        ),
        (
            OrganizationKind::DesignBureau,
            text(
                "Астана конструкторлық бюросы",
                "Конструкторское бюро Астана",
                "Astana Design Bureau",
            ),
        ),
        (
            OrganizationKind::RoboticsCenter,
            text(
                "Робототехника орталығы",
                "Центр робототехники",
                "Robotics Centre",
            ),
        ),
        (
            OrganizationKind::Laboratory,
            text(
                "Радиациялық мониторинг зертханасы",
                "Лаборатория радиационного мониторинга",
                "Radiation Monitoring Laboratory",
            ),
        ),
        (
            OrganizationKind::TechTransferOffice,
            text(
                "Технологиялар трансфері кеңсесі",
                "Офис трансфера технологий",
                "Technology Transfer Office",
            ),
        ),
    ]
    .into_iter()
    .enumerate()
    {
        let (region, city) = [("KZ-19", 0), ("KZ-10", 1), ("KZ-71", 2)][i % 3];
        sites.push(
            world
                .organization(rnd_user, kind, name, region, Some(cities[city]))
                .await?,
        );
    }

    // Investors: a second-tier bank, a fund, an international financial institution.
    let mut investors = Vec::new();
    for name in [
        text("Дала Банкі", "Банк Дала", "Dala Bank"),
        text("Инновациялар қоры", "Фонд инноваций", "Innovation Fund"),
        text(
            "Еуразиялық даму институты",
            "Евразийский институт развития",
            "Eurasian Development Institution",
        ),
    ] {
        investors.push(
            world
                .organization(inv_user, OrganizationKind::Investor, name, "KZ-71", None)
                .await?,
        );
    }

    // Enterprises, one per need.
    let mut enterprises = Vec::new();
    for (name, region) in [
        (
            text(
                "Шымкент мұнай өңдеу",
                "Шымкентская нефтепереработка",
                "Shymkent Refining",
            ),
            "KZ-79",
        ),
        (
            text(
                "Дала Күн Энергиясы",
                "Дала Солнечная Энергия",
                "Steppe Solar Power",
            ),
            "KZ-19",
        ),
        (
            text("Сарыарқа Көмір", "Сарыарка Уголь", "Saryarka Coal"),
            "KZ-35",
        ),
        (
            text("Павлодар Металл", "Павлодар Металл", "Pavlodar Metals"),
            "KZ-55",
        ),
        (
            text("Солтүстік Астық", "Северное Зерно", "Northern Grain"),
            "KZ-59",
        ),
        (
            text(
                "Семей Атом Сервис",
                "Семей Атом Сервис",
                "Semey Atom Service",
            ),
            "KZ-10",
        ),
    ] {
        enterprises.push(
            world
                .organization(ent_user, OrganizationKind::Enterprise, name, region, None)
                .await?,
        );
    }

    let ent = Access::load(db, ent_user).await?;
    let uni = Access::load(db, uni_user).await?;
    let rnd = Access::load(db, rnd_user).await?;
    let next_year = NaiveDate::from_ymd_opt(Utc::now().year() + 1, 6, 30);

    // Needs and the capabilities that answer them: the first four from universities, the
    // last two from R&D sites.
    let mut matched = Vec::new();
    for (i, pair) in pairs().into_iter().enumerate() {
        let owner = enterprises[i];
        let need = needs::post(
            db,
            &ent,
            needs::NewNeed {
                organization_id: owner,
                title: pair.need,
                description: pair.need_about,
                keywords: pair.keywords.iter().map(|k| (*k).to_owned()).collect(),
                fields: vec![pair.field.to_owned()],
                irsti_codes: Vec::new(),
                trl_min: Some(4),
                trl_max: Some(7),
                budget_min: Some("20000000".into()),
                budget_max: Some("150000000".into()),
                deadline: next_year,
                requirements: Vec::new(),
                // One need shows only its teaser to outsiders, as enterprises often want.
                confidentiality: if i == 2 {
                    Confidentiality::Teaser
                } else {
                    Confidentiality::Public
                },
                sector: Some(pair.sector),
                shared_with: Vec::new(),
            },
        )
        .await?;
        // Each capability comes from an organisation that would plausibly have it.
        let (provider, access) = match i {
            0..=3 => (universities[i].1, &uni),
            4 => (university(&universities, "S. Seifullin")?, &uni),
            _ => (sites[4], &rnd), // the radiation monitoring laboratory
        };
        let capability = capabilities::post(
            db,
            access,
            capabilities::NewCapability {
                organization_id: provider,
                title: pair.capability,
                description: pair.capability_about,
                keywords: pair.keywords.iter().map(|k| (*k).to_owned()).collect(),
                fields: vec![pair.field.to_owned()],
                equipment: Vec::new(),
                trl: Some(6),
                price_min: Some("30000000".into()),
                price_max: Some("120000000".into()),
                lead_time_days: Some(180),
                capacity: 3,
                sectors: vec![pair.sector],
                active: true,
            },
        )
        .await?;
        matched.push((owner, provider, need.id, capability.id));
    }

    // Shared past work: the first four enterprises each did a project with their university;
    // the fourth is members-only, so it counts for matching while only the two parties (and
    // platform admins) read it.
    for (i, ((owner, provider, _, _), pair)) in matched.iter().zip(pairs()).enumerate().take(4) {
        portfolio::add(
            db,
            &uni,
            portfolio::NewItem {
                kind: PortfolioKind::Project,
                title: pair.capability,
                summary: Localized::default(),
                year: Some(2023),
                start_date: None,
                end_date: None,
                funder: Some(
                    "Science Committee of the Ministry of Science and Higher Education".into(),
                ),
                programme: Some("Grant funding 2023–2025".into()),
                amount: Some("45000000".into()),
                fields: Vec::new(),
                keywords: Vec::new(),
                source: Some("kopir-demo".into()),
                external_id: Some(format!("demo-project-{i}")),
                members_only: i == 3,
                participants: vec![
                    portfolio::Participant {
                        organization_id: *provider,
                        role: ParticipantRole::Coordinator,
                    },
                    portfolio::Participant {
                        organization_id: *owner,
                        role: ParticipantRole::Participant,
                    },
                ],
            },
        )
        .await?;
    }

    world
        .session(mc_user, mc, cities[2], &matched, &ent, &uni)
        .await?;
    world
        .past_session(mc_user, mc, cities[1], &matched, &ent, &uni)
        .await?;
    world.deals(&ent, &matched, &investors, cities[0]).await?;
    world
        .infrastructure(mc_user, mc, &cities, &investors)
        .await?;

    // Demo targets for every city: marked as such, never to be mistaken for official ones.
    let year = Utc::now().year();
    for &city in &cities {
        for (code, target, critical) in [
            ("DEALS_SIGNED", "12", "6"),
            ("DEAL_VOLUME", "2500000000", "1000000000"),
            ("SESSIONS_HELD", "4", "2"),
            ("MEETINGS_HELD", "120", "60"),
            ("ENTERPRISES_ENGAGED", "40", "20"),
        ] {
            indicators::set_target(
                db,
                &admin,
                indicators::NewTarget {
                    code: code.to_owned(),
                    city,
                    year,
                    target: target.to_owned(),
                    critical: critical.to_owned(),
                    is_demo: true,
                },
            )
            .await?;
        }
    }
    Ok(Seeded::Written {
        organizations: world.organizations,
    })
}

/// The demo university whose English name starts with `prefix`.
fn university(universities: &[(String, i64)], prefix: &str) -> AppResult<i64> {
    universities
        .iter()
        .find(|(name, _)| name.starts_with(prefix))
        .map(|(_, id)| *id)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no demo university {prefix}")))
}

/// The seeding's running state.
struct World<'a> {
    services: &'a Services,
    serial: u32,
    organizations: usize,
}

impl World<'_> {
    /// Creates an organisation administered by `user`, with the next demo BIN.
    async fn organization(
        &mut self,
        user: i64,
        kind: OrganizationKind,
        name: Localized,
        region: &str,
        city: Option<i64>,
    ) -> AppResult<i64> {
        let db = &self.services.db;
        let access = Access::load(db, user).await?;
        let bin = demo_bin(self.serial);
        // The next serial after this BIN's.
        self.serial = bin[6..11].parse::<u32>().unwrap_or(self.serial) + 1;
        let org = organizations::create(
            db,
            &access,
            organizations::NewOrganization {
                kind,
                name,
                description: Localized::default(),
                bin: Some(bin),
                country: None,
                region_code: Some(region.to_owned()),
                science_city_id: city,
                website: None,
            },
        )
        .await?;
        self.organizations += 1;
        Ok(org.id)
    }

    /// A brokerage session two weeks ahead, hosted by the Management Company, with every pair
    /// registered and a meeting in each state a coming session can hold.
    async fn session(
        &self,
        mc_user: i64,
        mc: i64,
        city: i64,
        matched: &[(i64, i64, i64, i64)],
        ent: &Access,
        uni: &Access,
    ) -> AppResult<()> {
        let db = &self.services.db;
        let rules = &self.services.meetings;
        let mc_access = Access::load(db, mc_user).await?;
        let day = Utc::now().date_naive() + Duration::days(14);
        // 09:00 in Astana (UTC+5).
        let starts_at = Utc.from_utc_datetime(&day.and_hms_opt(4, 0, 0).unwrap_or_default());
        let (session, requested) = self
            .session_with_requests(
                &mc_access,
                sessions::NewSession {
                    title: text(
                        "Ғылым мен бизнес: технологиялық брокерлік сессия",
                        "Наука и бизнес: сессия технологического брокерства",
                        "Science meets business: technology brokerage session",
                    ),
                    themes: vec!["2.7".into(), "1.2".into(), "4.1".into()],
                    venue_organization_id: mc,
                    science_city_id: Some(city),
                    starts_at,
                    ends_at: starts_at + Duration::hours(6),
                    time_zone: Some("Asia/Almaty".into()),
                    slot_minutes: 30,
                    tables: 10,
                    capacity: 60,
                    registration_deadline: None,
                },
                &matched[..4],
                ent,
                uni,
            )
            .await?;
        // Left as requested: requested[0]. Accepted: [1]. Declined: [2]. Booked: [3].
        meetings::respond(db, uni, requested[1], rules, true, None).await?;
        meetings::respond(
            db,
            uni,
            requested[2],
            rules,
            false,
            Some(DeclineReason::Timing),
        )
        .await?;
        meetings::respond(db, uni, requested[3], rules, true, None).await?;
        meetings::book(db, uni, requested[3], 2, Some(3)).await?;
        // And one cancelled: the second university asks the first enterprise, then withdraws.
        let cancelled = meetings::request(
            db,
            uni,
            &self.services.matcher,
            rules,
            meetings::NewMeeting {
                session_id: session,
                from: matched[1].1,
                to: matched[0].0,
                need_id: None,
                capability_id: None,
                message: None,
            },
        )
        .await?;
        meetings::cancel(db, uni, rules, cancelled.id).await?;
        Ok(())
    }

    /// Creates `new` (hosted by `organiser`), registers each pair of `pairs` for it and has
    /// each enterprise ask its university for a meeting about its need: the session's id and
    /// the requests' ids, in the pairs' order.
    async fn session_with_requests(
        &self,
        organiser: &Access,
        new: sessions::NewSession,
        pairs: &[(i64, i64, i64, i64)],
        ent: &Access,
        uni: &Access,
    ) -> AppResult<(i64, Vec<i64>)> {
        let db = &self.services.db;
        let session = sessions::create(db, organiser, new).await?;
        for &(owner, provider, _, _) in pairs {
            sessions::register(db, ent, session.id, owner, None).await?;
            sessions::register(db, uni, session.id, provider, None).await?;
        }
        let mut requested = Vec::with_capacity(pairs.len());
        for &(owner, provider, need, capability) in pairs {
            let m = meetings::request(
                db,
                ent,
                &self.services.matcher,
                &self.services.meetings,
                meetings::NewMeeting {
                    session_id: session.id,
                    from: owner,
                    to: provider,
                    need_id: Some(need),
                    capability_id: Some(capability),
                    message: Some("Let us discuss your work on this.".into()),
                },
            )
            .await?;
            requested.push(m.id);
        }
        Ok((session.id, requested))
    }

    /// A session held a month ago, whose meetings show what happens after one: held (both
    /// parties say so, an NDA signed), a no-show, a disputed one, one awaiting reports, and a
    /// request left unanswered until the session ended (expired).
    ///
    /// The API books only what is still to come, so the session is written as a coming one
    /// through the domain like everything else and then moved back 30 days, with its meetings'
    /// timestamps — the one step here the API cannot take. The reports are then made through
    /// the domain, as parties would make them after the session.
    async fn past_session(
        &self,
        mc_user: i64,
        mc: i64,
        city: i64,
        matched: &[(i64, i64, i64, i64)],
        ent: &Access,
        uni: &Access,
    ) -> AppResult<()> {
        use entity::{
            meeting,
            meeting_report::{Attendance, MeetingOutcome},
            session,
        };
        use sea_orm::{ActiveModelTrait as _, IntoActiveModel as _, Set};

        let db = &self.services.db;
        let rules = &self.services.meetings;
        let mc_access = Access::load(db, mc_user).await?;
        let day = Utc::now().date_naive() + Duration::days(1);
        // 10:00 in Kurchatov (UTC+5).
        let starts_at = Utc.from_utc_datetime(&day.and_hms_opt(5, 0, 0).unwrap_or_default());
        // The first five pairs: their universities are the demo university officer's.
        let (past, ids) = self
            .session_with_requests(
                &mc_access,
                sessions::NewSession {
                    title: text(
                        "Ядролық технологиялар: серіктестер күні",
                        "Ядерные технологии: день партнёров",
                        "Nuclear technologies: partners' day",
                    ),
                    themes: vec!["2.7".into(), "1.3".into()],
                    venue_organization_id: mc,
                    science_city_id: Some(city),
                    starts_at,
                    ends_at: starts_at + Duration::hours(4),
                    time_zone: Some("Asia/Almaty".into()),
                    slot_minutes: 30,
                    tables: 6,
                    capacity: 30,
                    registration_deadline: None,
                },
                &matched[..5],
                ent,
                uni,
            )
            .await?;
        // Four are accepted and booked; the last request is never answered.
        for (i, &id) in ids.iter().enumerate().take(4) {
            meetings::respond(db, uni, id, rules, true, None).await?;
            meetings::book(db, uni, id, i as i32, Some(i as i32 + 1)).await?;
        }

        let back = Duration::days(30);
        let mut row = session::Entity::find_by_id(past)
            .one(db)
            .await?
            .ok_or_else(|| AppError::missing_row("demo session"))?
            .into_active_model();
        for at in [
            &mut row.starts_at,
            &mut row.ends_at,
            &mut row.registration_deadline,
            &mut row.created_at,
            &mut row.updated_at,
        ] {
            if let sea_orm::ActiveValue::Unchanged(t) = at {
                *at = Set(*t - back);
            }
        }
        row.update(db).await?;
        for m in meeting::Entity::find()
            .filter(meeting::Column::SessionId.eq(past))
            .all(db)
            .await?
        {
            let (created, updated) = (m.created_at, m.updated_at);
            let mut m = m.into_active_model();
            m.created_at = Set(created - back);
            m.updated_at = Set(updated - back);
            m.update(db).await?;
        }

        // Held, by both; a no-show; disputed; the fourth awaits its reports.
        let report = |meeting_id, org, attendance, outcome| meetings::NewReport {
            meeting_id,
            organization_id: Some(org),
            attendance,
            outcome,
            note: None,
        };
        let (a, b) = (matched[0], matched[1]);
        let c = matched[2];
        for (access, r) in [
            (
                ent,
                report(
                    ids[0],
                    a.0,
                    Attendance::Held,
                    Some(MeetingOutcome::NdaSigned),
                ),
            ),
            (
                uni,
                report(
                    ids[0],
                    a.1,
                    Attendance::Held,
                    Some(MeetingOutcome::NdaSigned),
                ),
            ),
            (ent, report(ids[1], b.0, Attendance::NoShow, None)),
            (uni, report(ids[1], b.1, Attendance::NoShow, None)),
            (
                ent,
                report(
                    ids[2],
                    c.0,
                    Attendance::Held,
                    Some(MeetingOutcome::FollowUpPlanned),
                ),
            ),
            (uni, report(ids[2], c.1, Attendance::NoShow, None)),
        ] {
            meetings::report(db, access, r).await?;
        }
        Ok(())
    }

    /// Deals between the matched pairs, one in each stage, financed from several sources.
    async fn deals(
        &self,
        ent: &Access,
        matched: &[(i64, i64, i64, i64)],
        investors: &[i64],
        city: i64,
    ) -> AppResult<()> {
        let db = &self.services.db;
        let stages = [
            DealStage::Proposed,
            DealStage::Negotiating,
            DealStage::Signed,
            DealStage::InExecution,
            DealStage::Completed,
            DealStage::Cancelled,
        ];
        let types = [
            DealType::Option,
            DealType::NonExclusiveLicence,
            DealType::RdContract,
            DealType::CollaborativeResearch,
            DealType::ExclusiveLicence,
            DealType::Consultancy,
        ];
        for (i, (&(owner, provider, need, capability), stage)) in
            matched.iter().zip(stages).enumerate()
        {
            let investor = investors[i % investors.len()];
            let source = [
                FinancingSource::Bank,
                FinancingSource::Private,
                FinancingSource::Ifi,
            ][i % 3];
            let deal = deals::record(
                db,
                ent,
                deals::NewDeal {
                    title: text(
                        "Технология трансфері келісімі",
                        "Соглашение о трансфере технологии",
                        "Technology transfer agreement",
                    ),
                    deal_type: types[i],
                    stage: DealStage::Proposed,
                    signed_at: None,
                    value: format!("{}", 40_000_000 + 15_000_000 * i),
                    parties: vec![
                        deals::Party {
                            organization_id: provider,
                            role: PartyRole::Provider,
                        },
                        deals::Party {
                            organization_id: owner,
                            role: PartyRole::Recipient,
                        },
                        deals::Party {
                            organization_id: investor,
                            role: PartyRole::Investor,
                        },
                    ],
                    financing: vec![deals::Financing {
                        source,
                        amount: "20000000".into(),
                        investor_organization_id: Some(investor),
                    }],
                    ip: deals::IpTerms::default(),
                    need_id: Some(need),
                    capability_id: Some(capability),
                    meeting_id: None,
                    session_id: None,
                    science_city_id: Some(city),
                    note: None,
                },
            )
            .await?;
            let path: &[DealStage] = match stage {
                DealStage::Proposed => &[],
                DealStage::Negotiating => &[DealStage::Negotiating],
                DealStage::Signed => &[DealStage::Negotiating, DealStage::Signed],
                DealStage::InExecution => &[
                    DealStage::Negotiating,
                    DealStage::Signed,
                    DealStage::InExecution,
                ],
                DealStage::Completed => &[
                    DealStage::Negotiating,
                    DealStage::Signed,
                    DealStage::InExecution,
                    DealStage::Completed,
                ],
                _ => &[DealStage::Negotiating, DealStage::Cancelled],
            };
            let mut version = deal.version;
            for &next in path {
                version = deals::advance(db, ent, deal.id, next, version, None)
                    .await?
                    .version;
            }
        }
        Ok(())
    }

    /// One infrastructure project per science city, sponsored by the Management Company and
    /// financed by a bank loan, an IFI loan and the state budget.
    async fn infrastructure(
        &self,
        mc_user: i64,
        mc: i64,
        cities: &[i64],
        investors: &[i64],
    ) -> AppResult<()> {
        let db = &self.services.db;
        let access = Access::load(db, mc_user).await?;
        let today = Utc::now().date_naive();
        let projects = [
            (
                InfrastructureKind::Technopark,
                text(
                    "Технопарк кампусы",
                    "Кампус технопарка",
                    "Technopark campus",
                ),
            ),
            (
                InfrastructureKind::Laboratory,
                text(
                    "Радиациялық зерттеулер зертханасы",
                    "Лаборатория радиационных исследований",
                    "Radiation research laboratory",
                ),
            ),
            (
                InfrastructureKind::ScienceCityCenter,
                text(
                    "Ғылым қаласының орталығы",
                    "Центр наукограда",
                    "Science city centre",
                ),
            ),
        ];
        for (&city, (kind, title)) in cities.iter().zip(projects) {
            let project = infrastructure::create(
                db,
                &access,
                infrastructure::NewProject {
                    science_city_id: city,
                    kind,
                    title,
                    description: Localized::default(),
                    sponsor_id: mc,
                    operator_id: None,
                    region_code: None,
                    site: None,
                    total_cost: "12000000000".into(),
                    floor_area_m2: Some(18_000),
                    milestones: Vec::new(),
                },
            )
            .await?;
            let mut version = project.version;
            for (source, instrument, financier, pledged, committed) in [
                (
                    InvestmentSource::Bank,
                    FinancingInstrument::Loan,
                    Some(investors[0]),
                    "4000000000",
                    "3000000000",
                ),
                (
                    InvestmentSource::Ifi,
                    FinancingInstrument::Loan,
                    Some(investors[2]),
                    "5000000000",
                    "2000000000",
                ),
                (
                    InvestmentSource::StateBudget,
                    FinancingInstrument::Grant,
                    None,
                    "3000000000",
                    "3000000000",
                ),
            ] {
                version = infrastructure::record_financing(
                    db,
                    &access,
                    project.id,
                    version,
                    infrastructure::Commitment {
                        id: None,
                        source,
                        instrument,
                        financier_id: financier,
                        public_party_id: None,
                        pledged: pledged.into(),
                        committed: committed.into(),
                        pledged_on: today - Duration::days(90),
                        committed_on: Some(today - Duration::days(30)),
                    },
                    None,
                )
                .await?
                .version;
            }
        }
        Ok(())
    }
}
