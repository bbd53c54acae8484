//! Structural checks of a bound raw block before it reaches the engine's
//! columnar decoder, which trusts its input.

use crate::api::TdError;

use super::literal::{layout, malformed, Layout, Reader};

const HEADER: usize = 28;

/// Checks that every length, offset and text of `block` is in bounds and
/// well-formed; returns its `(rows, columns)`.
pub(crate) fn check_block(block: &[u8]) -> Result<(usize, usize), TdError> {
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
    if cols == 0 || rows > block.len() {
        return Err(malformed("row or column count is out of range"));
    }
    for col in 0..cols {
        let ty = r.bytes(HEADER + 5 * col, 1)?[0];
        let data_len = r.u32(lengths_at + 4 * col)? as usize;
        match layout(ty)? {
            Layout::Fixed(width) => {
                let size = rows.div_ceil(8) + rows * width;
                r.bytes(at, size)?;
                at += size;
            }
            Layout::Var => {
                let offsets = r.bytes(at, rows * 4)?;
                let data = Reader(r.bytes(at + offsets.len(), data_len)?);
                for o in offsets.chunks_exact(4) {
                    let offset = i32::from_le_bytes([o[0], o[1], o[2], o[3]]);
                    if offset < 0 {
                        continue;
                    }
                    let offset = offset as usize;
                    let len = data.bytes(offset, 2)?;
                    let len = u16::from_le_bytes([len[0], len[1]]) as usize;
                    check_text(ty, data.bytes(offset + 2, len)?)?;
                }
                at += offsets.len() + data_len;
            }
        }
    }
    Ok((rows, cols))
}

fn check_text(ty: u8, v: &[u8]) -> Result<(), TdError> {
    let ok = match ty {
        // NCHAR travels as UCS-4.
        10 => {
            v.len() % 4 == 0
                && v.chunks_exact(4)
                    .all(|c| char::from_u32(u32::from_le_bytes([c[0], c[1], c[2], c[3]])).is_some())
        }
        8 | 15 => std::str::from_utf8(v).is_ok(),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(malformed("text is not valid UTF-8 or UCS-4"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use taos_query::common::views::{views_to_raw_block, ColumnView};

    #[test]
    fn good_blocks_pass_and_damaged_ones_fail() {
        let block = views_to_raw_block(&[
            ColumnView::from_millis_timestamp(vec![1, 2]),
            ColumnView::from_nchar::<String, _, _, _>(vec![Some("é".to_owned()), None]),
            ColumnView::from_varchar::<String, _, _, _>(vec![Some("a".to_owned()), None]),
        ]);
        assert_eq!(check_block(&block).unwrap(), (2, 3));
        for cut in [0, 10, block.len() - 1] {
            assert!(check_block(&block[..cut]).is_err());
        }
        let mut bad = block.clone();
        let last = bad.len() - 1;
        bad[last] = 0xff;
        assert!(check_block(&bad).is_err());
    }
}
