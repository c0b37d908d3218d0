//! Claims to user info (in progress).
