//! WKT → WKB for GEOMETRY values (POINT, LINESTRING, POLYGON).

/// Encodes a WKT text as little-endian WKB; `None` if it is not valid WKT.
pub fn wkt_to_wkb(s: &str) -> Option<Vec<u8>> {
    let s = s.trim();
    let open = s.find('(')?;
    let kind = s[..open].trim().to_ascii_uppercase();
    let body = s[open..].trim();
    let inner = body.strip_prefix('(')?.strip_suffix(')')?;
    let mut out = vec![1u8];
    match kind.as_str() {
        "POINT" => {
            out.extend_from_slice(&1u32.to_le_bytes());
            let pts = points(inner)?;
            if pts.len() != 1 {
                return None;
            }
            push_point(&mut out, pts[0]);
        }
        "LINESTRING" => {
            out.extend_from_slice(&2u32.to_le_bytes());
            let pts = points(inner)?;
            if pts.len() < 2 {
                return None;
            }
            out.extend_from_slice(&(pts.len() as u32).to_le_bytes());
            pts.into_iter().for_each(|p| push_point(&mut out, p));
        }
        "POLYGON" => {
            out.extend_from_slice(&3u32.to_le_bytes());
            let rings: Vec<&str> = inner.split("),").collect();
            out.extend_from_slice(&(rings.len() as u32).to_le_bytes());
            for r in rings {
                let r = r.trim().trim_start_matches('(').trim_end_matches(')');
                let pts = points(r)?;
                if pts.len() < 4 || pts.first() != pts.last() {
                    return None;
                }
                out.extend_from_slice(&(pts.len() as u32).to_le_bytes());
                pts.into_iter().for_each(|p| push_point(&mut out, p));
            }
        }
        _ => return None,
    }
    Some(out)
}

fn points(s: &str) -> Option<Vec<(f64, f64)>> {
    s.split(',')
        .map(|p| {
            let mut it = p.split_whitespace();
            let x = it.next()?.parse().ok()?;
            let y = it.next()?.parse().ok()?;
            it.next().is_none().then_some((x, y))
        })
        .collect()
}

fn push_point(out: &mut Vec<u8>, (x, y): (f64, f64)) {
    out.extend_from_slice(&x.to_le_bytes());
    out.extend_from_slice(&y.to_le_bytes());
}

#[cfg(test)]
mod tests {
    #[test]
    fn point_is_21_bytes() {
        assert_eq!(super::wkt_to_wkb("POINT(1.0 2.0)").unwrap().len(), 21);
        assert!(super::wkt_to_wkb("POINT(1.0)").is_none());
        assert!(super::wkt_to_wkb("LINESTRING(1 1, 2 2)").is_some());
    }
}
