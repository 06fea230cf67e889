//! Error messages in Kazakh and Russian. Codes and reasons stay language-neutral; a client that
//! asks for `kk` or `ru` by `Accept-Language` gets the message in that language, with the
//! English original kept beside it (`extensions.detail`), since the specifics (which amount,
//! which slot) are spelt out in English only. The matches are exhaustive, so a new code or
//! reason does not compile without its words.
//!
//! The Kazakh wording was written for plain, formal interface language and is awaiting review
//! by a native speaker, as the match explanations' is.

use crate::{
    domain::text::Lang,
    error::{ErrorCode, Reason},
};

/// A sentence in Kazakh and in Russian.
type Words = (&'static str, &'static str);

fn pick((kk, ru): Words, lang: Lang) -> Option<&'static str> {
    match lang {
        Lang::Kk => Some(kk),
        Lang::Ru => Some(ru),
        Lang::En => None,
    }
}

/// What `reason` says, in `lang`; `None` for English, whose message says more.
pub fn reason_sentence(reason: Reason, lang: Lang) -> Option<&'static str> {
    use Reason as R;
    let words = match reason {
        R::RegistrationClosed => (
            "Сессия енді тіркелу мен кездесу сұрауларын қабылдамайды.",
            "Сессия больше не принимает регистрации и запросы встреч.",
        ),
        R::SlotBooked => (
            "Қатысушының бұл уақыты брондалған кездесумен бос емес.",
            "Этот слот участника уже занят забронированной встречей.",
        ),
        R::SessionFull => ("Сессияда бос орын жоқ.", "В сессии нет свободных мест."),
        R::NotRegistered => (
            "Ұйым сессияға тіркелмеген.",
            "Организация не зарегистрирована на сессию.",
        ),
        R::AlreadyRequested => (
            "Бұл ұйымдар арасында кездесуге сұраныс бар.",
            "Запрос на встречу между этими организациями уже есть.",
        ),
        R::WrongStatus => (
            "Кездесу мәртебесі бұл әрекетке жол бермейді.",
            "Статус встречи не допускает этого действия.",
        ),
        R::NotAvailable => (
            "Қатысушы таңдалған уақытта бос емес.",
            "Участник недоступен в выбранный слот.",
        ),
        R::RequestExpired => (
            "Кездесуге сұраныстың мерзімі жауапсыз өтіп кетті.",
            "Срок запроса на встречу истёк без ответа.",
        ),
        R::MeetingNotOver => (
            "Кездесу уақыты әлі аяқталған жоқ; есеп беру әзірге мүмкін емес.",
            "Слот встречи ещё не закончился; отчитаться пока нельзя.",
        ),
        R::MeetingOver => (
            "Кездесу уақыты өтті: кездесуден бас тартылмайды, ол туралы есеп беріледі.",
            "Слот встречи прошёл: о встрече отчитываются, а не отменяют её.",
        ),
        R::FinancingExceedsValue => (
            "Қаржыландыру сомасы мәміле құнынан асып кетер еді.",
            "Финансирование превысило бы стоимость сделки.",
        ),
        R::FinancingExceedsCost => (
            "Міндеттемелер жоба құнынан асып кетер еді.",
            "Обязательства превысили бы стоимость проекта.",
        ),
        R::DisbursementExceedsCommitment => (
            "Төлемдер міндеттеме сомасынан асып кетер еді.",
            "Выплаты превысили бы сумму обязательства.",
        ),
        R::ProjectClosed => (
            "Жоба тоқтатылған, енді өзгертілмейді.",
            "Проект отменён и больше не изменяется.",
        ),
        R::InvalidTransition => (
            "Көрсетілген кезеңге өту мүмкін емес.",
            "Переход на указанную стадию невозможен.",
        ),
        R::DealClosed => (
            "Мәміле аяқталған, тоқтатылған немесе мерзімі өткен, енді өзгертілмейді.",
            "Сделка завершена, отменена или истекла и больше не изменяется.",
        ),
        R::ComputedIndicator => (
            "Индикатор платформа деректерінен есептеледі; нақты мәндер енгізілмейді.",
            "Индикатор вычисляется по данным платформы; фактические значения не вносятся.",
        ),
        R::LastAdmin => (
            "Ұйым әкімшісіз қалар еді.",
            "Организация осталась бы без администратора.",
        ),
    };
    pick(words, lang)
}

/// What went wrong under `code`, in `lang`, naming `field` where one input is at fault; `None`
/// for English, and for the persisted-query codes, whose message clients read by protocol.
pub fn code_sentence(code: ErrorCode, lang: Lang, field: Option<&str>) -> Option<String> {
    use ErrorCode as C;
    let words: Words = match (code, field) {
        (C::Unauthenticated, _) => (
            "Жүйеге кіру қажет: тіркелгі деректері жоқ немесе жарамсыз.",
            "Требуется вход: учётные данные отсутствуют или недействительны.",
        ),
        (C::Forbidden, _) => (
            "Бұл әрекетке құқығыңыз жеткіліксіз.",
            "Недостаточно прав для этого действия.",
        ),
        (C::NotFound, Some(_)) => (
            "«{}» өрісінде көрсетілген нысан табылмады.",
            "Объект, указанный в поле «{}», не найден.",
        ),
        (C::NotFound, None) => ("Сұралған нысан табылмады.", "Объект не найден."),
        (C::BadUserInput, Some(_)) => (
            "«{}» өрісінің мәні жарамсыз.",
            "Недопустимое значение поля «{}».",
        ),
        (C::BadUserInput, None) => (
            "Енгізілген деректер жарамсыз.",
            "Недопустимые входные данные.",
        ),
        (C::VersionConflict, _) => (
            "Деректер оқылғаннан кейін өзгерді; жаңартып, қайталаңыз.",
            "Данные изменились после чтения; обновите их и повторите.",
        ),
        (C::SlotConflict, _) => (
            "Бұл уақыт немесе үстел бос емес.",
            "Этот слот или стол уже занят.",
        ),
        (C::RateLimited, _) => (
            "Сұраныстар тым көп; кейінірек қайталаңыз.",
            "Слишком много запросов; повторите позже.",
        ),
        (C::DbUnavailable, _) => (
            "Дерекқор қолжетімсіз; кейінірек қайталаңыз.",
            "База данных недоступна; повторите позже.",
        ),
        (C::Internal, _) => ("Ішкі қате.", "Внутренняя ошибка."),
        (C::PersistedQueryNotFound | C::PersistedQueryNotInList, _) => return None,
    };
    // `{}` stands for the field in the sentences that name one.
    pick(words, lang).map(|s| s.replace("{}", field.unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use strum::IntoEnumIterator as _;

    use super::*;

    /// Every reason and code has its own Kazakh and Russian sentence (persisted-query codes
    /// excepted), and English keeps the message that says more.
    #[test]
    fn every_reason_and_code_speaks_kazakh_and_russian() {
        let kazakh = |s: &str| {
            s.chars()
                .any(|c| "әғқңөұүһі".contains(c.to_lowercase().next().unwrap_or(c)))
        };
        let mut seen = std::collections::HashSet::new();
        for reason in Reason::iter() {
            let (kk, ru) = (
                reason_sentence(reason, Lang::Kk),
                reason_sentence(reason, Lang::Ru),
            );
            let (Some(kk), Some(ru)) = (kk, ru) else {
                panic!("{reason:?} has no words");
            };
            assert!(kazakh(kk) && !kazakh(ru), "{reason:?}: {kk} / {ru}");
            assert!(
                seen.insert(kk) && seen.insert(ru),
                "{reason:?} repeats another's words"
            );
            assert_eq!(reason_sentence(reason, Lang::En), None);
        }
        for code in ErrorCode::iter() {
            let persisted = matches!(
                code,
                ErrorCode::PersistedQueryNotFound | ErrorCode::PersistedQueryNotInList
            );
            for field in [None, Some("title")] {
                let (kk, ru) = (
                    code_sentence(code, Lang::Kk, field),
                    code_sentence(code, Lang::Ru, field),
                );
                if persisted {
                    assert_eq!((kk, ru), (None, None), "{code:?}");
                    continue;
                }
                let (Some(kk), Some(ru)) = (kk, ru) else {
                    panic!("{code:?} has no words");
                };
                assert!(kazakh(&kk) && !kazakh(&ru), "{code:?}: {kk} / {ru}");
                assert_eq!(code_sentence(code, Lang::En, field), None);
            }
        }
        assert_eq!(
            code_sentence(ErrorCode::BadUserInput, Lang::Ru, Some("bin")).as_deref(),
            Some("Недопустимое значение поля «bin».")
        );
    }
}
