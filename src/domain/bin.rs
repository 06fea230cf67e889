//! Kazakhstan's business identification number (BIN, БСН).
//!
//! Twelve digits: `YYMM` of registration, the entity type (4 resident legal entity, 5 non-resident,
//! 6 joint individual entrepreneurship), the entity attribute (0 head office, 1 branch,
//! 2 representative office, 3 peasant farm), a five-digit serial and a check digit. The check
//! digit is the weighted sum of the first eleven digits mod 11 with weights 1..=11; when that is
//! 10, the sum is recomputed with weights 3..=11,1,2; when that is 10 too, the number is invalid.

const WEIGHTS_1: [u32; 11] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const WEIGHTS_2: [u32; 11] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

/// Why a BIN is not valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BinError {
    /// Not exactly twelve ASCII digits.
    #[error("a BIN is exactly 12 digits")]
    Format,
    /// Digits 3–4 are not a month.
    #[error("digits 3–4 of a BIN are the registration month (01–12)")]
    Month,
    /// The fifth digit is not 4, 5 or 6.
    #[error("the 5th digit of a BIN is the entity type (4, 5 or 6)")]
    EntityType,
    /// The sixth digit is not 0–3.
    #[error("the 6th digit of a BIN is the entity attribute (0–3)")]
    Attribute,
    /// The check digit does not match.
    #[error("the BIN's check digit does not match")]
    CheckDigit,
}

/// Validates a BIN, returning its digits as a string.
pub fn parse(input: &str) -> Result<String, BinError> {
    let digits: Vec<u32> = input
        .chars()
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()
        .ok_or(BinError::Format)?;
    let digits: [u32; 12] = digits.try_into().map_err(|_| BinError::Format)?;
    let month = digits[2] * 10 + digits[3];
    if !(1..=12).contains(&month) {
        return Err(BinError::Month);
    }
    if !(4..=6).contains(&digits[4]) {
        return Err(BinError::EntityType);
    }
    if digits[5] > 3 {
        return Err(BinError::Attribute);
    }
    if check_digit(&digits) != Some(digits[11]) {
        return Err(BinError::CheckDigit);
    }
    Ok(input.to_owned())
}

/// The check digit for the first eleven digits, or `None` when no check digit exists.
pub fn check_digit(digits: &[u32]) -> Option<u32> {
    let sum = |weights: &[u32; 11]| -> u32 {
        digits.iter().zip(weights).map(|(d, w)| d * w).sum::<u32>() % 11
    };
    match sum(&WEIGHTS_1) {
        10 => match sum(&WEIGHTS_2) {
            10 => None,
            d => Some(d),
        },
        d => Some(d),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every BIN vector in the reference file gets the expected verdict. IINs (personal numbers)
    /// share the check-digit scheme but are not BINs, so they must be refused here.
    #[test]
    fn reference_vectors() {
        let data = include_str!("../../tests/fixtures/bin_iin_test_vectors.csv");
        let mut checked = 0;
        for line in data.lines().skip(1) {
            let mut cols = line.splitn(4, ',');
            let (value, kind, expected) = (
                cols.next().unwrap_or_default(),
                cols.next().unwrap_or_default(),
                cols.next().unwrap_or_default() == "true",
            );
            let expect_valid = kind == "BIN" && expected;
            assert_eq!(
                parse(value).is_ok(),
                expect_valid,
                "{value} ({kind}, {line})"
            );
            checked += 1;
        }
        assert_eq!(checked, 21);
    }

    #[test]
    fn second_weights_are_used_when_the_first_sum_is_ten() {
        // 96114100002x (a valid reference BIN): the first-weight sum mod 11 is 10, so the
        // check digit comes from the second weights: 3.
        let digits = [9, 6, 1, 1, 4, 1, 0, 0, 0, 0, 2];
        let first: u32 = digits
            .iter()
            .zip(WEIGHTS_1)
            .map(|(d, w)| d * w)
            .sum::<u32>()
            % 11;
        assert_eq!(first, 10);
        assert_eq!(check_digit(&digits), Some(3));
        assert_eq!(parse("961141000023"), Ok("961141000023".into()));
        assert_eq!(parse("961141000020"), Err(BinError::CheckDigit));
    }

    #[test]
    fn errors_name_the_broken_part() {
        assert_eq!(parse("94014000038"), Err(BinError::Format));
        assert_eq!(parse("94014000038a"), Err(BinError::Format));
        assert_eq!(parse("949940000385"), Err(BinError::Month));
        assert_eq!(parse("940190000385"), Err(BinError::EntityType));
        assert_eq!(parse("940149000385"), Err(BinError::Attribute));
        assert_eq!(parse("940140000380"), Err(BinError::CheckDigit));
    }
}
