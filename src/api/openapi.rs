//! `GET /api/openapi.json`: the OpenAPI 3.1 spec, generated from the handlers'
//! annotations and the types' derives (never written by hand).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::environments;
use super::error::{ErrorBody, ErrorDetail};
use super::{admin, archives, events, exec, logs, reports, stats};
use crate::ops::requests::{CleanupRequest, CreateRequest, UpdateRequest};
use crate::store::{Environment, Operation, ServiceState, Status};

#[derive(OpenApi)]
#[openapi(
    info(title = "envctl", description = "Per-developer Docker environments: the onboarding API over envctl's database."),
    paths(
        environments::list, environments::templates, environments::show, environments::secrets, environments::create, environments::update, environments::restart_service, environments::delete, logs::logs, exec::exec, stats::environment, stats::overview, reports::report,
        events::stream, super::healthz, super::readyz, super::prometheus,
        admin::cleanup, admin::sync, admin::backups, admin::create_backup, admin::reset,
        archives::list, archives::show, archives::delete, archives::create,
    ),
    components(schemas(
        Environment, Status, ServiceState, crate::config::TemplateSummary, crate::config::ServiceSummary, crate::ops::stats::EnvironmentStats, crate::ops::stats::ServiceStats, crate::ops::stats::Totals, crate::ops::stats::HostStats, crate::ops::stats::PortUsage, crate::ops::stats::Overview, Operation, ErrorBody, ErrorDetail, CreateRequest, UpdateRequest,
        events::StatusChange, CleanupRequest, crate::ops::sync::SyncOptions, crate::ops::reset::ResetOptions,
        crate::archives::ArchiveSummary, crate::archives::Reason, crate::archives::VolumeEntry, archives::ArchiveDetail, crate::ops::archive::ArchiveRequest, crate::ops::archive::Archived,
        crate::ops::report::Report, crate::ops::report::GroupFigures, crate::ops::report::Step, crate::ops::report::Provisioning, crate::ops::report::Cause, crate::ops::report::Cleanup, crate::ops::report::PoolFigures, crate::ops::report::Utilisation, crate::ops::report::Uptime,
    )),
    modifiers(&Bearer),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("envctl token")
                    .build(),
            ),
        );
    }
}

/// Labels: keys of letters, digits, '-', '_', '.' and '/', values without control characters.
pub fn labels_schema() -> utoipa::openapi::Object {
    use utoipa::openapi::{ObjectBuilder, Type};
    let key = ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some("^[A-Za-z0-9._/-]{1,63}$"))
        .build();
    let value = ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some("^[^\\x00-\\x1f\\x7f-\\x9f]*$"))
        .max_length(Some(256));
    ObjectBuilder::new()
        .schema_type(Type::Object)
        .property_names(Some(key))
        .additional_properties(Some(value))
        .description(Some("Labels, key → value"))
        .build()
}

/// [`labels_schema`], or null.
pub fn optional_labels_schema() -> utoipa::openapi::Object {
    use utoipa::openapi::schema::{SchemaType, Type};
    let mut schema = labels_schema();
    schema.schema_type = SchemaType::from_iter([Type::Object, Type::Null]);
    schema
}

pub async fn spec() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(ApiDoc::openapi())
}
