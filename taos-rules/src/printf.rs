//! C's printf conversions, where TDengine prints numbers with them.

/// C's `%.{digits}g` for a finite `value`: `digits` significant digits,
/// trailing zeros dropped, an exponent of at least two digits below 1e-4 or
/// from 10^digits.
///
/// ```
/// use taos_rules::printf::g;
///
/// assert_eq!(g(1.25, 15), "1.25");
/// assert_eq!(g(1e20, 15), "1e+20");
/// assert_eq!(g(1.1234567, 6), "1.12346");
/// assert_eq!(g(0.00001, 6), "1e-05");
/// ```
pub fn g(value: f64, digits: usize) -> String {
    if value == 0.0 {
        return if value.is_sign_negative() { "-0" } else { "0" }.to_owned();
    }
    // The exponent after rounding to `digits` significant digits decides
    // between the fixed and the scientific form, as in C.
    let sci = format!("{:.*e}", digits - 1, value);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if exp < -4 || exp >= digits as i32 {
        let sign = if exp < 0 { '-' } else { '+' };
        format!(
            "{}e{sign}{:02}",
            trim_fraction(mantissa),
            exp.unsigned_abs()
        )
    } else {
        let decimals = (digits as i32 - 1 - exp) as usize;
        trim_fraction(&format!("{value:.decimals$}")).to_owned()
    }
}

/// `%g` drops trailing zeros of the fraction, and the point with them.
fn trim_fraction(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::g;

    #[test]
    fn rounding_can_move_the_exponent() {
        assert_eq!(g(999_999_999_999_999.9, 15), "1e+15");
        assert_eq!(g(9.999_999_999_999_999e-5, 15), "0.0001");
        assert_eq!(g(-0.0, 6), "-0");
    }
}
