//! Money: amounts in KZT held as integer tiyn (1/100 tenge), so arithmetic is exact; clients
//! see and send decimal strings, never floats.

use crate::error::{AppError, AppResult};

/// The only currency amounts are kept in.
pub const CURRENCY: &str = "KZT";

/// Parses a non-negative decimal string with at most two decimals (`"1500000"`,
/// `"1500000.5"`, `"1500000.50"`) into tiyn.
pub fn parse(field: &'static str, text: &str) -> AppResult<i64> {
    parse_scaled(field, text, 2).map_err(|_| {
        AppError::invalid(
            field,
            "a non-negative amount in KZT with at most two decimals, such as \"1500000.00\"",
        )
    })
}

/// Parses a non-negative decimal string with at most `places` decimals into an integer count
/// of 10^-`places` units, exactly.
pub fn parse_scaled(field: &'static str, text: &str, places: usize) -> AppResult<i64> {
    let bad = || {
        AppError::invalid(
            field,
            format!("a non-negative decimal number with at most {places} decimals"),
        )
    };
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
        || (text.contains('.') && fraction.is_empty())
    {
        return Err(bad());
    }
    if fraction.len() > places {
        return Err(bad());
    }
    let whole: i64 = whole.parse().map_err(|_| bad())?;
    let fraction: i64 = if places == 0 {
        0
    } else {
        format!("{fraction:0<places$}").parse().map_err(|_| bad())?
    };
    whole
        .checked_mul(10_i64.pow(u32::try_from(places).unwrap_or(0)))
        .and_then(|w| w.checked_add(fraction))
        .ok_or_else(bad)
}

/// Formats a count of 10^-`places` units as a decimal string with `places` decimals.
pub fn format_scaled(value: i64, places: usize) -> String {
    let unit = 10_u64.pow(u32::try_from(places).unwrap_or(0));
    let sign = if value < 0 { "-" } else { "" };
    let abs = value.unsigned_abs();
    if places == 0 {
        return format!("{sign}{abs}");
    }
    format!("{sign}{}.{:0places$}", abs / unit, abs % unit)
}

/// `"1500000.50"`.
pub fn format(tiyn: i64) -> String {
    format_scaled(tiyn, 2)
}

/// `"1 500 000"` (whole tenge, thin-space grouped) for explanations read by people.
pub fn format_grouped(tiyn: i64) -> String {
    let digits = (tiyn / 100).to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// `part / whole` as a percentage in thousandths, rounded half up; `None` for an empty whole.
pub fn percent(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| {
        let scaled = i128::from(part) * 100_000;
        i64::try_from((scaled + i128::from(whole) / 2) / i128::from(whole)).unwrap_or(i64::MAX)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_round_trip_exactly() {
        assert_eq!(parse("budget", "1500000").expect("whole"), 150_000_000);
        assert_eq!(parse("budget", "0.5").expect("half"), 50);
        assert_eq!(parse("budget", " 12.34 ").expect("trimmed"), 1234);
        assert_eq!(format(150_000_050), "1500000.50");
        assert_eq!(format_grouped(150_000_050), "1 500 000");
        assert_eq!(parse_scaled("x", "12.5", 3).expect("milli"), 12_500);
        assert_eq!(format_scaled(12_500, 3), "12.500");
        assert!(parse_scaled("x", "1.2345", 3).is_err());
        for bad in [
            "",
            "-1",
            "1.234",
            "1e6",
            "1,5",
            "abc",
            "1.",
            ".5",
            "99999999999999999999",
        ] {
            assert!(parse("budget", bad).is_err(), "{bad}");
        }
    }
}
