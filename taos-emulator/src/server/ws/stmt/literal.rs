//! Bound values as SQL literals.
//!
//! Bind blocks come straight off the network, so they are decoded here with
//! bounds checks on every read instead of with the client library's parser,
//! which trusts its input.

use serde_json::Value;

use crate::api::TdError;

use super::super::reply::ADAPTER_ERROR;

/// A single-quoted string literal with TDengine's backslash escapes.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// A JSON value (a `set_tags` tag or a JSON `bind` cell) as a literal.
pub(crate) fn json(v: &Value) -> String {
    match v {
        Value::Null => "NULL".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => quote(s),
        // A JSON tag arrives as the JSON value itself.
        other => quote(&other.to_string()),
    }
}

pub(super) fn malformed(what: &str) -> TdError {
    TdError::new(
        ADAPTER_ERROR,
        format!("parse row block info error, err:{what}"),
    )
}

/// A bounds-checked little-endian reader over a block.
pub(super) struct Reader<'a>(pub(super) &'a [u8]);

impl Reader<'_> {
    pub(super) fn bytes(&self, at: usize, len: usize) -> Result<&[u8], TdError> {
        at.checked_add(len)
            .and_then(|end| self.0.get(at..end))
            .ok_or_else(|| malformed("block is truncated"))
    }

    pub(super) fn u32(&self, at: usize) -> Result<u32, TdError> {
        let b = self.bytes(at, 4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

/// How a column's values are stored.
#[derive(Debug, Clone, Copy)]
pub(super) enum Layout {
    Fixed(usize),
    Var,
}

pub(super) fn layout(ty: u8) -> Result<Layout, TdError> {
    Ok(match ty {
        1 | 2 | 11 => Layout::Fixed(1),
        3 | 12 => Layout::Fixed(2),
        4 | 6 | 13 => Layout::Fixed(4),
        5 | 7 | 9 | 14 => Layout::Fixed(8),
        8 | 10 | 15 | 16 => Layout::Var,
        20 => {
            return Err(TdError::new(
                ADAPTER_ERROR,
                "binding GEOMETRY is not supported",
            ))
        }
        other => return Err(malformed(&format!("unsupported column type {other}"))),
    })
}

/// Decodes a raw block (§4 of the protocol notes) into rows of SQL literals.
pub(crate) fn block_rows(block: &[u8]) -> Result<Vec<Vec<String>>, TdError> {
    const HEADER: usize = 28;
    let r = Reader(block);
    let total = r.u32(4)? as usize;
    if total != block.len() {
        return Err(malformed("block length does not match"));
    }
    let rows = r.u32(8)? as usize;
    let cols = r.u32(12)? as usize;
    let lengths_at = cols
        .checked_mul(5)
        .and_then(|s| s.checked_add(HEADER))
        .ok_or_else(|| malformed("too many columns"))?;
    let mut at = cols
        .checked_mul(4)
        .and_then(|l| l.checked_add(lengths_at))
        .ok_or_else(|| malformed("too many columns"))?;
    r.bytes(0, at)?;
    // Every column stores at least a byte per row: this bounds the
    // allocation below by the block's real size.
    if cols == 0 || rows > block.len() {
        return Err(malformed("row or column count is out of range"));
    }

    let mut table = vec![Vec::with_capacity(cols); rows];
    for col in 0..cols {
        let ty = r.bytes(HEADER + 5 * col, 1)?[0];
        let data_len = r.u32(lengths_at + 4 * col)? as usize;
        match layout(ty)? {
            Layout::Fixed(width) => {
                let bitmap = r.bytes(at, rows.div_ceil(8))?;
                let values_at = at + bitmap.len();
                let values = r.bytes(
                    values_at,
                    rows.checked_mul(width)
                        .ok_or_else(|| malformed("too many rows"))?,
                )?;
                for (row, out) in table.iter_mut().enumerate() {
                    let null = bitmap[row / 8] & (0x80 >> (row % 8)) != 0;
                    out.push(if null {
                        "NULL".to_owned()
                    } else {
                        fixed(ty, &values[row * width..(row + 1) * width])?
                    });
                }
                at = values_at + values.len();
            }
            Layout::Var => {
                let offsets = r.bytes(
                    at,
                    rows.checked_mul(4)
                        .ok_or_else(|| malformed("too many rows"))?,
                )?;
                let data_at = at + offsets.len();
                let data = Reader(r.bytes(data_at, data_len)?);
                for (row, out) in table.iter_mut().enumerate() {
                    let o = &offsets[row * 4..row * 4 + 4];
                    let offset = i32::from_le_bytes([o[0], o[1], o[2], o[3]]);
                    out.push(if offset < 0 {
                        "NULL".to_owned()
                    } else {
                        let offset = offset as usize;
                        let len = data.bytes(offset, 2)?;
                        let len = u16::from_le_bytes([len[0], len[1]]) as usize;
                        var(ty, data.bytes(offset + 2, len)?)?
                    });
                }
                at = data_at + data_len;
            }
        }
    }
    Ok(table)
}

fn fixed(ty: u8, v: &[u8]) -> Result<String, TdError> {
    let mut b = [0u8; 8];
    b[..v.len()].copy_from_slice(v);
    let signed = |width: usize| -> i64 {
        let shift = 64 - 8 * width as u32;
        (i64::from_le_bytes(b) << shift) >> shift
    };
    Ok(match ty {
        1 => (v[0] != 0).to_string(),
        2 | 3 | 4 | 5 | 9 => signed(v.len()).to_string(),
        11..=14 => u64::from_le_bytes(b).to_string(),
        // Debug is the shortest round-trip form, with an exponent when long.
        6 => finite(format!(
            "{:?}",
            f32::from_le_bytes([v[0], v[1], v[2], v[3]])
        ))?,
        _ => finite(format!("{:?}", f64::from_le_bytes(b)))?,
    })
}

fn finite(text: String) -> Result<String, TdError> {
    if text.parse::<f64>().is_ok_and(f64::is_finite) {
        Ok(text)
    } else {
        Err(TdError::new(
            0x0216,
            format!("Syntax error in SQL: invalid float {text}"),
        ))
    }
}

fn var(ty: u8, v: &[u8]) -> Result<String, TdError> {
    let utf8 = || std::str::from_utf8(v).map_err(|_| malformed("string is not UTF-8"));
    Ok(match ty {
        // NCHAR travels as UCS-4.
        10 => {
            if v.len() % 4 != 0 {
                return Err(malformed("NCHAR length is not a multiple of 4"));
            }
            let text: Option<String> = v
                .chunks_exact(4)
                .map(|c| char::from_u32(u32::from_le_bytes([c[0], c[1], c[2], c[3]])))
                .collect();
            quote(&text.ok_or_else(|| malformed("NCHAR holds an invalid char"))?)
        }
        16 => {
            let hex: String = v.iter().map(|b| format!("{b:02x}")).collect();
            format!("'\\x{hex}'")
        }
        _ => quote(utf8()?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use taos_query::common::views::{views_to_raw_block, ColumnView};

    #[test]
    fn quoting() {
        assert_eq!(quote("it's a \\ test\n"), r"'it\'s a \\ test\n'");
        assert_eq!(json(&json!(null)), "NULL");
        assert_eq!(json(&json!(1.5)), "1.5");
        assert_eq!(json(&json!("bj")), "'bj'");
        assert_eq!(json(&json!({"a": 1})), r#"'{"a":1}'"#);
    }

    #[test]
    fn every_bindable_type() {
        let block = views_to_raw_block(&[
            ColumnView::from_millis_timestamp(vec![Some(-5i64), None]),
            ColumnView::from_bools(vec![Some(true), Some(false)]),
            ColumnView::from_tiny_ints(vec![-1i8, 2]),
            ColumnView::from_small_ints(vec![-300i16, 2]),
            ColumnView::from_ints(vec![i32::MIN, 2]),
            ColumnView::from_unsigned_big_ints(vec![u64::MAX, 0]),
            ColumnView::from_floats(vec![1.1f32, -0.5]),
            ColumnView::from_doubles(vec![2.25f64, 1e300]),
            ColumnView::from_varchar::<&str, _, _, _>(vec![Some("a'b"), None]),
            ColumnView::from_nchar::<&str, _, _, _>(vec![Some("中文"), Some("")]),
            ColumnView::from_bytes::<&[u8], _, _, _>(vec![Some(&[0xab, 0x01][..]), None]),
        ]);
        assert_eq!(
            block_rows(&block).unwrap(),
            vec![
                vec![
                    "-5",
                    "true",
                    "-1",
                    "-300",
                    "-2147483648",
                    "18446744073709551615",
                    "1.1",
                    "2.25",
                    r"'a\'b'",
                    "'中文'",
                    r"'\xab01'"
                ],
                vec!["NULL", "false", "2", "2", "2", "0", "-0.5", "1e300", "NULL", "''", "NULL"],
            ]
        );
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let block = views_to_raw_block(&[
            ColumnView::from_ints(vec![1, 2]),
            ColumnView::from_varchar::<&str, _, _, _>(vec![Some("abc"), None]),
        ]);
        for cut in 0..block.len() {
            assert!(block_rows(&block[..cut]).is_err());
        }
        let mut lying = block.clone();
        // Claim a huge row count with the same total length.
        lying[8..12].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(block_rows(&lying).is_err());
        let mut bad_offset = block.clone();
        let offsets_at = block.len() - 4 * 2 - 5;
        bad_offset[offsets_at..offsets_at + 4].copy_from_slice(&1000i32.to_le_bytes());
        assert!(block_rows(&bad_offset).is_err());
        let mut bad_type = block;
        bad_type[28] = 17;
        assert!(block_rows(&bad_type).is_err());
    }
}
