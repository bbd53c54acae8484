struct Plain {
    _avg: f64,
}

fn read(block: &taos::taos_query::common::RawBlock) {
    let _ = taos_orm::decode_block::<Plain>(block);
}

fn main() {}
