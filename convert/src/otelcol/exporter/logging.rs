//! `logging` to `otelcol.exporter.logging`: the deprecated `loglevel` has
//! no Flow setting (`verbosity` replaces it).

use super::super::ctx::Ctx;
use super::super::encode::Body;
use super::super::reader::Src;
use crate::finding::{Finding, Severity};

pub(crate) fn convert(ctx: &Ctx, src: &Src) -> Body {
    let mut body = ctx.body();
    body.string("verbosity", &src.str("verbosity", "normal"), "normal");
    body.int("sampling_initial", src.int("sampling_initial", 2), 2);
    body.int("sampling_thereafter", src.int("sampling_thereafter", 500), 500);
    let level = src.str("loglevel", "info");
    if level != "info" {
        let message = format!("`{}.loglevel` is not converted: use `verbosity` instead, since `loglevel` is deprecated", src.path());
        src.sink().push(Finding::new(Severity::Error, message));
    }
    body
}
