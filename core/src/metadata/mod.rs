//! Metadata documents and HTTP glue (in progress).
