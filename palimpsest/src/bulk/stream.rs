//! JSONL streams: bounded batches read in order, processed in parallel,
//! written in order.

use std::io::{self, BufRead, BufReader, Read, Write};

use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::bulk::document::Processed;
use crate::bulk::report::{BulkError, Document, Outcome};
use crate::bulk::{Migrator, Observer};
use crate::schema::Versioned;

/// Where a stream's documents go: the output, and failed documents also to
/// the rejects, if any.
pub(crate) struct Sinks<'a> {
    pub(crate) output: &'a mut dyn Write,
    pub(crate) rejects: Option<&'a mut dyn Write>,
    /// Whether a byte-order mark at the start of the input is written to
    /// the output: yes when the output is this stream's own, no when it
    /// would land between the documents of another.
    pub(crate) keep_bom: bool,
}

impl Sinks<'_> {
    fn reject(&mut self, bytes: &[u8]) -> io::Result<()> {
        match &mut self.rejects {
            Some(rejects) => rejects.write_all(bytes),
            None => Ok(()),
        }
    }
}

/// How a stream ended.
pub(crate) struct Streamed {
    /// Documents whose bytes changed.
    pub(crate) migrated: u64,
    /// Whether the input was read to its end.
    pub(crate) complete: bool,
}

/// What the reader found at the end of a batch.
enum Stop {
    Full,
    End,
    /// A line over the limit; its first bytes are at the end of the buffer.
    TooLarge(usize),
    Failed(io::Error),
}

impl<T> Migrator<T>
where
    T: Versioned + Serialize + DeserializeOwned,
{
    /// Migrates a JSONL stream: one document a line, blank lines kept.
    ///
    /// Every line goes to `output`, in order: migrated, or unchanged when it
    /// is current, blank, or failed. `source` names the stream in the
    /// report. A UTF-8 byte-order mark at the start is not part of the
    /// first document, and is written to `output` first. See the
    /// [module documentation](crate::bulk) for an example.
    ///
    /// ```
    /// # use palimpsest::{Schema, Versioned};
    /// # #[derive(serde::Serialize, serde::Deserialize)] struct Config {}
    /// # impl Versioned for Config {
    /// #     fn schema() -> &'static Schema {
    /// #         static S: std::sync::OnceLock<Schema> = std::sync::OnceLock::new();
    /// #         S.get_or_init(|| Schema::integer("Config", 1).step(palimpsest::Step::new(0, 1)).build().unwrap())
    /// #     }
    /// # }
    /// use palimpsest::bulk::{Migrator, Summary};
    ///
    /// let (mut out, mut summary) = (Vec::new(), Summary::default());
    /// Migrator::<Config>::new().jsonl("-", &b"\xEF\xBB\xBF{}\n"[..], &mut out, &mut summary)?;
    /// assert_eq!(out, b"\xEF\xBB\xBF{\"schema_version\":1}\n");
    /// assert_eq!(summary.migrated, 1);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// Only writing to `output` fails the call; a read error ends the
    /// stream and is reported to `observer` as [`BulkError::Read`].
    pub fn jsonl<R: Read, W: Write>(
        &self,
        source: &str,
        input: R,
        mut output: W,
        observer: &mut impl Observer,
    ) -> io::Result<()> {
        let mut sinks = Sinks {
            output: &mut output,
            rejects: None,
            keep_bom: true,
        };
        self.stream(
            source,
            &mut BufReader::with_capacity(1 << 20, input),
            &mut sinks,
            observer,
        )?;
        output.flush()
    }

    pub(crate) fn stream(
        &self,
        source: &str,
        reader: &mut dyn BufRead,
        sinks: &mut Sinks<'_>,
        observer: &mut dyn Observer,
    ) -> io::Result<Streamed> {
        // Room for a whole batch up front: growing by doubling would copy
        // the batch several times over. Pages untouched cost nothing.
        let mut buffer = Vec::with_capacity(self.batch_bytes.saturating_add(64 << 10));
        let mut lines: Vec<(usize, usize)> = Vec::with_capacity(self.batch_documents);
        let (bom, head) = take_bom(reader);
        if bom && sinks.keep_bom {
            sinks.output.write_all(BOM)?;
        }
        let reader: &mut dyn BufRead = &mut io::Cursor::new(head).chain(reader);
        let mut line = 0u64;
        let mut migrated = 0u64;
        loop {
            buffer.clear();
            lines.clear();
            let stop = self.read_batch(reader, &mut buffer, &mut lines);
            let results: Vec<Processed> = self.install(|| {
                lines
                    .par_iter()
                    .map(|&(start, end)| self.process(split_terminator(&buffer[start..end]).0))
                    .collect()
            });
            for (&(start, end), processed) in lines.iter().zip(results) {
                line += 1;
                let raw = &buffer[start..end];
                let (content, terminator) = split_terminator(raw);
                match &processed.output {
                    Some(bytes) => {
                        migrated += 1;
                        sinks.output.write_all(bytes)?;
                        sinks.output.write_all(terminator)?;
                    }
                    None => sinks.output.write_all(raw)?,
                }
                if matches!(processed.outcome, Outcome::Failed(_)) {
                    sinks.reject(content)?;
                    sinks.reject(b"\n")?;
                }
                observer.document(Document {
                    source,
                    line: Some(line),
                    original: content,
                    outcome: processed.outcome,
                });
            }
            match stop {
                Stop::Full => {}
                Stop::End => {
                    return Ok(Streamed {
                        migrated,
                        complete: true,
                    })
                }
                Stop::TooLarge(start) => {
                    line += 1;
                    let head = &buffer[start..];
                    let bytes = copy_line(head, reader, sinks)?;
                    observer.document(Document {
                        source,
                        line: Some(line),
                        original: head,
                        outcome: Outcome::Failed(BulkError::TooLarge {
                            bytes,
                            limit: self.max_document_bytes,
                        }),
                    });
                }
                Stop::Failed(error) => {
                    observer.document(Document {
                        source,
                        line: Some(line + 1),
                        original: &[],
                        outcome: Outcome::Failed(BulkError::Read(error)),
                    });
                    return Ok(Streamed {
                        migrated,
                        complete: false,
                    });
                }
            }
        }
    }

    /// Reads whole lines into `buffer` until the batch is full.
    fn read_batch(
        &self,
        reader: &mut dyn BufRead,
        buffer: &mut Vec<u8>,
        lines: &mut Vec<(usize, usize)>,
    ) -> Stop {
        // A line of exactly the limit plus its newline is still whole.
        let window = self.max_document_bytes.saturating_add(2);
        while lines.len() < self.batch_documents && buffer.len() < self.batch_bytes {
            let start = buffer.len();
            match (&mut *reader).take(window).read_until(b'\n', buffer) {
                Ok(0) => return Stop::End,
                Ok(_) => {
                    let content = split_terminator(&buffer[start..]).0.len() as u64;
                    if content > self.max_document_bytes {
                        return Stop::TooLarge(start);
                    }
                    lines.push((start, buffer.len()));
                }
                Err(error) => {
                    buffer.truncate(start);
                    return Stop::Failed(error);
                }
            }
        }
        Stop::Full
    }
}

/// Streams a line over the limit to the output (and the rejects) without
/// holding it: `head`, then the rest up to and including its newline.
/// Returns its length.
fn copy_line(head: &[u8], reader: &mut dyn BufRead, sinks: &mut Sinks<'_>) -> io::Result<u64> {
    sinks.output.write_all(head)?;
    sinks.reject(head)?;
    let mut total = head.len() as u64;
    let mut ended = head.ends_with(b"\n");
    while !ended {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        let (part, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (&chunk[..=i], true),
            None => (chunk, false),
        };
        sinks.output.write_all(part)?;
        sinks.reject(part)?;
        let n = part.len();
        total += n as u64;
        ended = done;
        reader.consume(n);
    }
    if !ended {
        sinks.reject(b"\n")?;
    }
    Ok(total)
}

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Splits a file's bytes into its byte-order mark, if it starts with one,
/// and the rest.
pub(crate) fn split_bom(bytes: &[u8]) -> (&[u8], &[u8]) {
    bytes.split_at(if bytes.starts_with(BOM) { BOM.len() } else { 0 })
}

/// Consumes a byte-order mark at the start of `reader`. Returns whether
/// there was one, and the bytes consumed that turned out not to be one (a
/// pipe may deliver fewer than three bytes at a time), to be read first.
/// A read error is left for the caller's reads to meet again.
fn take_bom(reader: &mut dyn BufRead) -> (bool, Vec<u8>) {
    let mut head = Vec::new();
    while head.len() < BOM.len() {
        let available = match reader.fill_buf() {
            Ok([]) => break,
            Ok(available) => available,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        if head.is_empty() && available.len() >= BOM.len() {
            let bom = available.starts_with(BOM);
            if bom {
                reader.consume(BOM.len());
            }
            return (bom, head);
        }
        if available[0] != BOM[head.len()] {
            break;
        }
        head.push(available[0]);
        reader.consume(1);
    }
    if head == BOM {
        head.clear();
        return (true, head);
    }
    (false, head)
}

/// Splits a line into its content and its terminator (`\n`, `\r\n` or none).
pub(crate) fn split_terminator(line: &[u8]) -> (&[u8], &[u8]) {
    let cut = if line.ends_with(b"\r\n") {
        2
    } else {
        usize::from(line.ends_with(b"\n"))
    };
    line.split_at(line.len() - cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that delivers one byte per read, as a slow pipe may.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.0.len().min(buf.len()).min(1);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_bom_is_found_even_a_byte_at_a_time_and_other_bytes_are_given_back() {
        for (input, bom, rest) in [
            (&b"\xEF\xBB\xBF{}"[..], true, &b"{}"[..]),
            (b"\xEF\xBB{}", false, b"\xEF\xBB{}"),
            (b"\xEF", false, b"\xEF"),
            (b"{}", false, b"{}"),
            (b"", false, b""),
        ] {
            for trickle in [false, true] {
                let mut reader: Box<dyn BufRead> = if trickle {
                    Box::new(BufReader::new(Trickle(input)))
                } else {
                    Box::new(input)
                };
                let (found, head) = take_bom(&mut reader);
                let mut read = Vec::new();
                io::Cursor::new(head)
                    .chain(reader)
                    .read_to_end(&mut read)
                    .unwrap();
                assert_eq!(
                    (found, &read[..]),
                    (bom, rest),
                    "{input:?} trickled: {trickle}"
                );
            }
        }
    }

    #[test]
    fn terminators() {
        assert_eq!(split_terminator(b"a\r\n"), (&b"a"[..], &b"\r\n"[..]));
        assert_eq!(split_terminator(b"a\n"), (&b"a"[..], &b"\n"[..]));
        assert_eq!(split_terminator(b"a"), (&b"a"[..], &b""[..]));
        assert_eq!(split_terminator(b""), (&b""[..], &b""[..]));
    }
}
