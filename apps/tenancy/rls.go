package tenancy

import (
	"github.com/jackc/pgx/v5"
)

// TenantSetting is the transaction-local setting the policies read. It is
// only ever set with set_config($1, $2, true), through orm.Tenant.
const TenantSetting = "app.current_tenant"

// PolicyName is the row-level security policy on every tenant table.
const PolicyName = "tenant_isolation"

// currentTenant is the policies' expression: the transaction's tenant, or
// NULL when none is set. A connection that ran a tenant transaction keeps
// the setting defined with the value ” afterwards, so NULLIF maps both
// "never set" and "set by an earlier transaction" to NULL, which matches
// no row. It is a stable expression, evaluated once per statement, so the
// planner uses the (tenant_id, ...) indexes.
const currentTenant = "NULLIF(current_setting('" + TenantSetting + "', true), '')::uuid"

// AuditSchema holds the admin audit table and the report function; the
// app role has no privilege on it.
const AuditSchema = "tenancy_audit"

// ReportFunction is the audited cross-tenant report.
const ReportFunction = AuditSchema + ".tenant_report"

// securityStatements are Setup's DDL after the migration: row-level
// security, grants, and the audited report. Role names are validated
// identifiers, quoted here.
func securityStatements(r Roles) []string {
	app := pgx.Identifier{r.App}.Sanitize()
	admin := pgx.Identifier{r.Admin}.Sanitize()
	report := pgx.Identifier{r.Report}.Sanitize()
	var s []string
	s = append(s,
		"REVOKE ALL ON SCHEMA public FROM PUBLIC",
		"GRANT USAGE ON SCHEMA public TO "+app+", "+report,
	)
	for _, t := range TenantTables {
		tbl := pgx.Identifier{"public", t.Table}.Sanitize()
		col := pgx.Identifier{t.Column}.Sanitize()
		s = append(s,
			"ALTER TABLE "+tbl+" ENABLE ROW LEVEL SECURITY",
			"ALTER TABLE "+tbl+" FORCE ROW LEVEL SECURITY",
			"DROP POLICY IF EXISTS "+PolicyName+" ON "+tbl,
			"CREATE POLICY "+PolicyName+" ON "+tbl+" AS PERMISSIVE FOR ALL TO PUBLIC"+
				" USING ("+col+" = "+currentTenant+") WITH CHECK ("+col+" = "+currentTenant+")",
			"REVOKE ALL ON "+tbl+" FROM PUBLIC",
			"GRANT SELECT, INSERT, UPDATE, DELETE ON "+tbl+" TO "+app,
			"GRANT SELECT ON "+tbl+" TO "+report,
		)
	}
	s = append(s,
		"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO "+app,
		"CREATE SCHEMA IF NOT EXISTS "+AuditSchema,
		"REVOKE ALL ON SCHEMA "+AuditSchema+" FROM PUBLIC",
		"GRANT USAGE ON SCHEMA "+AuditSchema+" TO "+admin+", "+report,
		`CREATE TABLE IF NOT EXISTS `+AuditSchema+`.admin_reports (
			id bigserial PRIMARY KEY,
			at timestamptz NOT NULL DEFAULT now(),
			db_user name NOT NULL DEFAULT session_user,
			actor text NOT NULL,
			report text NOT NULL,
			tenants integer
		)`,
		"REVOKE ALL ON "+AuditSchema+".admin_reports FROM PUBLIC",
		"GRANT SELECT, INSERT, UPDATE ON "+AuditSchema+".admin_reports TO "+report,
		"GRANT USAGE ON ALL SEQUENCES IN SCHEMA "+AuditSchema+" TO "+report,
		// The one cross-tenant path: a fixed, reviewed query returning
		// per-tenant aggregates (never rows), each call recorded with its
		// caller before the data is read.
		`CREATE OR REPLACE FUNCTION `+ReportFunction+`(actor text)
		RETURNS TABLE (tenant_id uuid, tenant_name text, plan text, users bigint, projects bigint,
			tasks bigint, tasks_done bigint, invoiced numeric, paid numeric)
		LANGUAGE plpgsql SECURITY DEFINER
		SET search_path = pg_catalog, pg_temp
		AS $fn$
		#variable_conflict use_column
		DECLARE
			audit_id bigint;
			n integer;
		BEGIN
			IF actor IS NULL OR length(actor) = 0 OR length(actor) > 200 THEN
				RAISE EXCEPTION 'tenant_report: actor must be 1 to 200 characters' USING ERRCODE = '22023';
			END IF;
			INSERT INTO `+AuditSchema+`.admin_reports (actor, report) VALUES (actor, 'tenant_report')
				RETURNING id INTO audit_id;
			RETURN QUERY
			SELECT t.id, t.name, t.plan::text,
				(SELECT count(*) FROM public.users u WHERE u.tenant_id = t.id),
				(SELECT count(*) FROM public.projects p WHERE p.tenant_id = t.id),
				(SELECT count(*) FROM public.tasks k WHERE k.tenant_id = t.id),
				(SELECT count(*) FROM public.tasks k WHERE k.tenant_id = t.id AND k.status = 'DONE'),
				(SELECT coalesce(sum(i.amount), 0) FROM public.invoices i WHERE i.tenant_id = t.id),
				(SELECT coalesce(sum(i.amount), 0) FROM public.invoices i WHERE i.tenant_id = t.id AND i.status = 'PAID')
			FROM public.tenants t
			ORDER BY t.name, t.id;
			GET DIAGNOSTICS n = ROW_COUNT;
			UPDATE `+AuditSchema+`.admin_reports SET tenants = n WHERE id = audit_id;
		END
		$fn$`,
		"ALTER FUNCTION "+ReportFunction+"(text) OWNER TO "+report,
		"REVOKE ALL ON FUNCTION "+ReportFunction+"(text) FROM PUBLIC",
		"GRANT EXECUTE ON FUNCTION "+ReportFunction+"(text) TO "+admin,
	)
	return s
}
