//! A polled message, decoded: the rows of one vgroup's new writes, as `T`.

use taos::taos_query::common::RawBlock;
use taos::{IsAsyncData, IsOffset};

use crate::decode::ColumnMap;
use crate::error::{Error, Result};
use crate::table::TdRow;

/// The rows one poll brought from one vgroup of one topic, decoded into
/// `T`, with where they came from.
///
/// A message holds what the vgroup had not yet delivered to this consumer
/// (TDengine caps a message at a few thousand rows), in write order per
/// child table. [`Consumer::commit`](crate::tmq::Consumer::commit) of a
/// message marks everything up to its [`offset`](Message::offset) consumed
/// for the group.
#[derive(Debug, Clone, PartialEq)]
pub struct Message<T> {
    pub(super) topic: String,
    pub(super) database: String,
    pub(super) vgroup_id: i32,
    pub(super) offset: i64,
    pub(super) rows: Vec<T>,
}

impl<T> Message<T> {
    /// The topic.
    pub fn topic(&self) -> &str {
        &self.topic
    }

    /// The database the topic reads.
    pub fn database(&self) -> &str {
        &self.database
    }

    /// The vgroup the rows were written to.
    pub fn vgroup_id(&self) -> i32 {
        self.vgroup_id
    }

    /// The vgroup's write-log position just after this message: committing
    /// it makes the group's next poll of this vgroup start here.
    pub fn offset(&self) -> i64 {
        self.offset
    }

    /// The rows.
    pub fn rows(&self) -> &[T] {
        &self.rows
    }

    /// The rows, owned.
    pub fn into_rows(self) -> Vec<T> {
        self.rows
    }
}

impl<T> IntoIterator for Message<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.rows.into_iter()
    }
}

/// Decodes every block of a polled message: the one decoding path of the
/// async consumer and its blocking twin.
///
/// Blocks of one message may differ in shape (a database topic's tables),
/// so each block gets its column map, reused while the names repeat.
pub(super) async fn decode<T: TdRow>(
    offset: &taos::Offset,
    position: i64,
    data: Option<&taos::Data>,
) -> Result<Message<T>> {
    let mut message = Message {
        topic: offset.topic().to_owned(),
        database: offset.database().to_owned(),
        vgroup_id: offset.vgroup_id(),
        offset: position,
        rows: Vec::new(),
    };
    let Some(data) = data else {
        return Ok(message);
    };
    let mut map: Option<ColumnMap> = None;
    while let Some(block) = data
        .fetch_raw_block()
        .await
        .map_err(|e| message.wrap(e.into()))?
    {
        decode_block(&block, &mut map, &mut message.rows).map_err(|e| message.wrap(e))?;
    }
    Ok(message)
}

fn decode_block<T: TdRow>(
    block: &RawBlock,
    map: &mut Option<ColumnMap>,
    out: &mut Vec<T>,
) -> Result<()> {
    let names = block.field_names();
    let columns = match map.take() {
        Some(known) if known.names() == names => known,
        _ => ColumnMap::from_names::<T>(names.iter().map(String::as_str)),
    };
    let decoded = columns.decode_block(block, out);
    *map = Some(columns);
    decoded
}

impl<T> Message<T> {
    /// `source` as an error of this message's topic and vgroup.
    fn wrap(&self, source: Error) -> Error {
        Error::Topic {
            topic: self.topic.clone(),
            vgroup_id: self.vgroup_id,
            source: Box::new(source),
        }
    }
}
