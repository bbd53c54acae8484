//! Float literals in SQL text.
//!
//! The server reads every float literal of a `VALUES` or `TAGS` list as a
//! double and refuses (0x0216 "illegal float data"):
//! - one that overflows a double (`1e309`) or underflows it (`1e-400`),
//! - a subnormal double (`6.5e-309`), which has no SQL spelling at all,
//! - for a FLOAT column, a double above `FLT_MAX` as a double: the shortest
//!   text of `f32::MAX`, `3.4028235e38`, is one (its exact double
//!   `3.4028234663852886e38` is fine).
//!
//! Parameter binding sends the bits and is not limited by any of this.

/// Whether the double a literal reads as is stored in a column of `FLOAT`
/// (`to_float`) or `DOUBLE` type. `underflowed` says the literal has
/// non-zero digits although it reads as zero.
///
/// ```
/// use taos_rules::float::literal_accepted;
///
/// assert!(literal_accepted(3.4028234663852886e38, false, true));
/// assert!(!literal_accepted(3.4028235e38, false, true));
/// assert!(literal_accepted(3.4028235e38, false, false));
/// assert!(!literal_accepted(6.5e-309, false, false));
/// assert!(!literal_accepted(0.0, true, false)); // `1e-400`
/// // A FLOAT may underflow: only the double parse counts.
/// assert!(literal_accepted(1e-50, false, true));
/// ```
pub fn literal_accepted(value: f64, underflowed: bool, to_float: bool) -> bool {
    value.is_finite()
        && !value.is_subnormal()
        && !(value == 0.0 && underflowed)
        && (!to_float || value.abs() <= f64::from(f32::MAX))
}
