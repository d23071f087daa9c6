package tenancy

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/polystore/polystore/apps/tenancy/db"
	"github.com/polystore/polystore/mongo/odm"
	"github.com/polystore/polystore/postgres/orm"
	"github.com/polystore/polystore/redis/ratelimit"
	"github.com/polystore/polystore/redis/revoke"
)

// Service is the HTTP API of the system. Every tenant route takes its
// tenant from the verified credential (Bearer JWT or "ApiKey" header),
// checks the tenant's rate limit, and runs in Store.InTenant.
type Service struct {
	Store   *Store
	Auth    *Auth
	Cache   *Cache
	Limiter ratelimit.Checker // per-tenant request quota; nil: none
	// Records, when set, serves /api/records (MongoDB).
	Records *Records
	// Reporter and AdminToken, when both set, serve /api/admin/report.
	Reporter   *Reporter
	AdminToken string
	Logger     *slog.Logger

	// ForeignRows counts rows of another tenant found in any response
	// (the live isolation check: it must stay 0).
	ForeignRows atomic.Int64
}

// Error codes of JSON error bodies {"error": {"code", "message"}}; a 400
// also names the offending input in "field": a JSON field of the body
// ("email", "customFields"), a path or query parameter ("id", "status"), a
// header ("Authorization", "X-Admin-Actor"), or "body" when the body is no
// JSON object at all.
const (
	CodeUnauthenticated = "unauthenticated" // 401
	CodeForbidden       = "forbidden"       // 403
	CodeBadRequest      = "bad_request"     // 400
	CodeNotFound        = "not_found"       // 404
	CodeConflict        = "conflict"        // 409
	CodeRateLimited     = "rate_limited"    // 429
	CodeTenantBusy      = "tenant_busy"     // 429
	CodeUnavailable     = "unavailable"     // 503
	CodeInternal        = "internal"        // 500
)

type ctxKey struct{}

// PrincipalFrom returns the principal the authentication put in ctx.
func PrincipalFrom(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(ctxKey{}).(Principal)
	return p, ok
}

// Handler returns the API's routes (mount it under a prefix with
// http.StripPrefix).
//
// A nil Service, or one without a Store or an Auth, answers every request
// 503 (code unavailable) instead of panicking or failing with 500.
func (s *Service) Handler() http.Handler {
	if s == nil || s.Store == nil || s.Auth == nil {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			writeError(w, http.StatusServiceUnavailable, CodeUnavailable, "the tenancy service is not configured (no Store or Auth)")
		})
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/signup", s.signup)
	mux.HandleFunc("GET /api/admin/report", s.adminReport)
	tenant := func(pattern string, h func(w http.ResponseWriter, r *http.Request, p Principal)) {
		mux.Handle(pattern, s.authenticated(h))
	}
	tenant("GET /api/me", s.me)
	tenant("POST /api/token", s.token)
	tenant("POST /api/logout", s.logout)
	tenant("GET /api/tenants/{id}", s.tenantInfo)
	tenant("GET /api/projects", s.listProjects)
	tenant("POST /api/projects", s.createProject)
	tenant("GET /api/tasks", s.listTasks)
	tenant("POST /api/tasks", s.createTask)
	tenant("PATCH /api/tasks/{id}", s.updateTask)
	tenant("GET /api/invoices", s.listInvoices)
	tenant("POST /api/invoices", s.createInvoice)
	tenant("GET /api/records", s.listRecords)
	tenant("POST /api/records", s.createRecord)
	tenant("POST /api/cache/clear", s.clearCache)
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, CodeNotFound, "no such route")
	})
	return mux
}

// authenticate reads the credential: "Authorization: Bearer <jwt>" or
// "Authorization: ApiKey <key>".
func (s *Service) authenticate(r *http.Request) (Principal, error) {
	h := r.Header.Get("Authorization")
	scheme, cred, ok := strings.Cut(h, " ")
	cred = strings.TrimSpace(cred)
	if !ok || cred == "" {
		return Principal{}, &AuthError{Reason: "missing"}
	}
	switch {
	case strings.EqualFold(scheme, "Bearer"):
		return s.Auth.VerifyToken(r.Context(), cred)
	case strings.EqualFold(scheme, "ApiKey"):
		return s.Auth.VerifyAPIKey(r.Context(), cred)
	}
	return Principal{}, &AuthError{Reason: "scheme"}
}

func (s *Service) authenticated(h func(w http.ResponseWriter, r *http.Request, p Principal)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.authenticate(r)
		if err != nil {
			s.fail(w, err)
			return
		}
		if s.Limiter != nil {
			res, err := s.Limiter.Allow(r.Context(), "tenant:"+p.TenantID, nil)
			if err != nil {
				s.fail(w, err)
				return
			}
			ratelimit.SetHeaders(w.Header(), res)
			if !res.Allowed {
				w.Header().Set("Retry-After", strconv.FormatInt(max(int64(res.RetryAfter/time.Second), 1), 10))
				writeError(w, http.StatusTooManyRequests, CodeRateLimited, "tenant request quota exceeded")
				return
			}
		}
		h(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, p)), p)
	})
}

// fail maps an error to its status and stable code.
func (s *Service) fail(w http.ResponseWriter, err error) {
	var (
		fe *FieldNameError
		ve *orm.ValidationError
	)
	switch {
	case errors.Is(err, ErrUnauthenticated):
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeError(w, http.StatusUnauthorized, CodeUnauthenticated, "invalid, expired or revoked credential")
	case revoke.IsUnavailable(err), ratelimit.IsUnavailable(err):
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusServiceUnavailable, CodeUnavailable, "a backing store is unavailable")
	case errors.Is(err, ErrTenantBusy), errors.Is(err, orm.ErrPoolTimeout):
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, CodeTenantBusy, "too many operations in flight for this tenant")
	case errors.Is(err, ErrInvalidTenant), errors.As(err, &fe), errors.Is(err, ErrFieldValue), errors.Is(err, ErrRecordShape),
		errors.Is(err, errBadInput), errors.As(err, &ve):
		writeErrorField(w, http.StatusBadRequest, CodeBadRequest, err.Error(), inputField(err))
	case orm.IsNotFound(err):
		writeError(w, http.StatusNotFound, CodeNotFound, "not found")
	case orm.IsUniqueViolation(err), orm.IsForeignKeyViolation(err):
		writeError(w, http.StatusConflict, CodeConflict, "conflicts with existing data")
	case IsPolicyViolation(err), errors.Is(err, odm.ErrTenantMismatch):
		writeError(w, http.StatusForbidden, CodeForbidden, "row belongs to another tenant")
	default:
		if s.Logger != nil {
			s.Logger.Error("tenancy: request failed", "err", err)
		}
		writeError(w, http.StatusInternalServerError, CodeInternal, "internal error")
	}
}

var errBadInput = errors.New("bad input")

// badInput is a 400 naming the offending field; msg starts with it.
func badInput(field, msg string) error { return &inputError{field: field, msg: msg} }

// inputError is a request input the API refuses, with the field it is in.
type inputError struct{ field, msg string }

func (e *inputError) Error() string { return e.msg }
func (e *inputError) Unwrap() error { return errBadInput }

// inputField names the input a 400 is about: the inputError's field, "id"
// for a malformed tenant id in the path, the orm's issue path, else "".
func inputField(err error) string {
	var (
		ie *inputError
		ve *orm.ValidationError
	)
	switch {
	case errors.As(err, &ie):
		return ie.field
	case errors.Is(err, ErrInvalidTenant):
		return "id"
	case errors.As(err, &ve) && len(ve.Issues) > 0:
		return ve.Issues[0].Path
	}
	return ""
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeErrorField(w, status, code, msg, "")
}

func writeErrorField(w http.ResponseWriter, status int, code, msg, field string) {
	e := map[string]string{"code": code, "message": msg}
	if field != "" {
		e["field"] = field
	}
	writeJSON(w, status, map[string]any{"error": e})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// decode reads a JSON body of at most 64 KiB into v, refusing unknown
// fields and trailing data.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if dec.More() {
		return badInput("body", "body: trailing data after the JSON object")
	}
	return nil
}

// decodeError names the field a JSON decoding error is about: the unknown
// field, the field of the wrong type, else the body as a whole.
func decodeError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return badInput(te.Field, te.Field+": must be "+jsonKind(te.Type.Kind().String())+", not "+te.Value)
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if name, ok := strings.CutPrefix(msg, "unknown field "); ok {
		if f, err := strconv.Unquote(name); err == nil && f != "" {
			return badInput(f, f+": unknown field")
		}
		return badInput("body", "body: unknown field "+name)
	}
	if errors.Is(err, io.EOF) {
		return badInput("body", "body: empty; send a JSON object")
	}
	return badInput("body", "body: not a JSON object: "+msg)
}

// jsonKind says a Go kind the way a JSON client thinks of it.
func jsonKind(k string) string {
	switch {
	case k == "string":
		return "a string"
	case strings.HasPrefix(k, "int"), strings.HasPrefix(k, "uint"), strings.HasPrefix(k, "float"):
		return "a number"
	case k == "map", k == "struct":
		return "an object"
	case k == "slice", k == "array":
		return "an array"
	case k == "bool":
		return "true or false"
	}
	return k
}

// checkRows counts rows whose tenant differs from the principal's.
func (s *Service) checkRows(p Principal, tenants ...string) {
	for _, t := range tenants {
		if t != p.TenantID {
			s.ForeignRows.Add(1)
		}
	}
}

func validName(s string) bool { n := len(s); return n > 0 && n <= 200 && strings.TrimSpace(s) == s }

// signup provisions a tenant and returns its first user's credentials.
func (s *Service) signup(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name  string `json:"name"`
		Plan  string `json:"plan"`
		Email string `json:"email"`
	}
	if err := decode(r, &in); err != nil {
		s.fail(w, err)
		return
	}
	plan := db.PlanFree
	if in.Plan != "" {
		plan = db.Plan(in.Plan)
	}
	switch {
	case !validName(in.Name):
		s.fail(w, badInput("name", "name: must be 1 to 200 characters, without leading or trailing spaces"))
		return
	case !validName(in.Email) || !strings.Contains(in.Email, "@"):
		s.fail(w, badInput("email", "email: must be an address with @, 1 to 200 characters"))
		return
	case !slices.Contains(db.PlanValues(), plan):
		s.fail(w, badInput("plan", fmt.Sprintf("plan: must be one of %v", db.PlanValues())))
		return
	}
	t, u, err := s.Store.CreateTenant(r.Context(), in.Name, plan, in.Email)
	if err != nil {
		s.fail(w, err)
		return
	}
	p := Principal{TenantID: t.ID, UserID: u.ID}
	tok, err := s.Auth.IssueToken(p)
	if err != nil {
		s.fail(w, err)
		return
	}
	key, err := s.Auth.CreateAPIKey(r.Context(), p)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]any{"tenantId": t.ID, "userId": u.ID, "token": tok, "apiKey": key})
}

func (s *Service) me(w http.ResponseWriter, r *http.Request, p Principal) {
	writeJSON(w, http.StatusOK, map[string]any{"tenantId": p.TenantID, "userId": p.UserID, "method": p.Method})
}

// token exchanges any valid credential for a fresh JWT.
func (s *Service) token(w http.ResponseWriter, r *http.Request, p Principal) {
	tok, err := s.Auth.IssueToken(p)
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"token": tok})
}

// logout revokes the presented token; the next request with it gets 401.
func (s *Service) logout(w http.ResponseWriter, r *http.Request, p Principal) {
	if p.Method != "jwt" {
		s.fail(w, badInput("Authorization", "Authorization: only a Bearer token can be revoked, not an API key"))
		return
	}
	_, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if err := s.Auth.RevokeToken(r.Context(), strings.TrimSpace(tok)); err != nil {
		s.fail(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// tenantInfo returns the caller's tenant; any other id is 403 (or 400
// when it is no tenant id at all).
func (s *Service) tenantInfo(w http.ResponseWriter, r *http.Request, p Principal) {
	id, err := ParseTenantID(r.PathValue("id"))
	if err != nil {
		s.fail(w, badInput("id", "id: must be a tenant id, a UUID such as 0190c2a4-6f1e-7000-8000-000000000000"))
		return
	}
	if id != p.TenantID {
		writeError(w, http.StatusForbidden, CodeForbidden, "not your tenant")
		return
	}
	var t *db.Tenant
	err = s.Store.InTenant(r.Context(), p.TenantID, func(ctx context.Context, tx *db.Client) error {
		var err error
		t, err = tx.Tenant.FindUniqueOrThrow(ctx, db.TenantByID(id), nil)
		return err
	}, &readOnly)
	if err != nil {
		s.fail(w, err)
		return
	}
	s.checkRows(p, t.ID)
	writeJSON(w, http.StatusOK, t)
}

const projectsCacheKey = "projects"

func (s *Service) listProjects(w http.ResponseWriter, r *http.Request, p Principal) {
	load := func(ctx context.Context) ([]byte, error) {
		var ps []db.Project
		err := s.Store.InTenant(ctx, p.TenantID, func(ctx context.Context, tx *db.Client) error {
			var err error
			ps, err = tx.Project.FindMany(ctx, &db.ProjectFindArgs{OrderBy: []db.ProjectOrder{db.ProjectFields.ID.Asc()}, Take: 500})
			return err
		}, &readOnly)
		if err != nil {
			return nil, err
		}
		for _, pr := range ps {
			s.checkRows(p, pr.TenantID)
		}
		if ps == nil {
			ps = []db.Project{}
		}
		return json.Marshal(ps)
	}
	var (
		body []byte
		hit  bool
		err  error
	)
	if s.Cache != nil {
		body, hit, err = s.Cache.GetOrLoad(r.Context(), p.TenantID, projectsCacheKey, time.Minute, load)
	} else {
		body, err = load(r.Context())
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	w.Header().Set("X-Cache", map[bool]string{true: "hit", false: "miss"}[hit])
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}

func (s *Service) createProject(w http.ResponseWriter, r *http.Request, p Principal) {
	var in struct {
		Name string `json:"name"`
	}
	if err := decode(r, &in); err != nil {
		s.fail(w, err)
		return
	}
	if !validName(in.Name) {
		s.fail(w, badInput("name", "name: must be 1 to 200 characters, without leading or trailing spaces"))
		return
	}
	var pr *db.Project
	err := s.Store.InTenant(r.Context(), p.TenantID, func(ctx context.Context, tx *db.Client) error {
		var err error
		pr, err = tx.Project.Create(ctx, &db.ProjectCreateArgs{Data: []db.ProjectSet{db.ProjectFields.Name.Set(in.Name)}})
		return err
	}, nil)
	if err != nil {
		s.fail(w, err)
		return
	}
	if s.Cache != nil {
		if err := s.Cache.Clear(r.Context(), p.TenantID); err != nil && s.Logger != nil {
			s.Logger.Warn("tenancy: cache clear failed", "err", err)
		}
	}
	s.checkRows(p, pr.TenantID)
	writeJSON(w, http.StatusCreated, pr)
}

// parseID reads a positive integer id from the input named field.
func parseID(field, s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, badInput(field, field+": must be a positive integer")
	}
	return n, nil
}

// parseTaskStatus reads a task status from the input named field.
func parseTaskStatus(field, s string) (db.TaskStatus, error) {
	st := db.TaskStatus(s)
	if !slices.Contains(db.TaskStatusValues(), st) {
		return "", badInput(field, fmt.Sprintf("%s: must be one of %v", field, db.TaskStatusValues()))
	}
	return st, nil
}

func (s *Service) listTasks(w http.ResponseWriter, r *http.Request, p Principal) {
	args := &db.TaskFindArgs{OrderBy: []db.TaskOrder{db.TaskFields.ID.Desc()}, Take: 200}
	if v := r.URL.Query().Get("projectId"); v != "" {
		id, err := parseID("projectId", v)
		if err != nil {
			s.fail(w, err)
			return
		}
		args.Where = append(args.Where, db.TaskFields.ProjectID.Equals(id))
	}
	if v := r.URL.Query().Get("status"); v != "" {
		st, err := parseTaskStatus("status", v)
		if err != nil {
			s.fail(w, err)
			return
		}
		args.Where = append(args.Where, db.TaskFields.Status.Equals(st))
	}
	var ts []db.Task
	err := s.Store.InTenant(r.Context(), p.TenantID, func(ctx context.Context, tx *db.Client) error {
		var err error
		ts, err = tx.Task.FindMany(ctx, args)
		return err
	}, &readOnly)
	if err != nil {
		s.fail(w, err)
		return
	}
	for _, t := range ts {
		s.checkRows(p, t.TenantID)
	}
	if ts == nil {
		ts = []db.Task{}
	}
	writeJSON(w, http.StatusOK, ts)
}

func (s *Service) createTask(w http.ResponseWriter, r *http.Request, p Principal) {
	var in struct {
		ProjectID int64  `json:"projectId"`
		Title     string `json:"title"`
	}
	if err := decode(r, &in); err != nil {
		s.fail(w, err)
		return
	}
	switch {
	case in.ProjectID <= 0:
		s.fail(w, badInput("projectId", "projectId: must be a positive integer, the id of one of your projects"))
		return
	case !validName(in.Title):
		s.fail(w, badInput("title", "title: must be 1 to 200 characters, without leading or trailing spaces"))
		return
	}
	var t *db.Task
	err := s.Store.InTenant(r.Context(), p.TenantID, func(ctx context.Context, tx *db.Client) error {
		var err error
		t, err = tx.Task.Create(ctx, &db.TaskCreateArgs{Data: []db.TaskSet{
			db.TaskFields.ProjectID.Set(in.ProjectID), db.TaskFields.Title.Set(in.Title)}})
		return err
	}, nil)
	if err != nil {
		s.fail(w, err)
		return
	}
	s.checkRows(p, t.TenantID)
	writeJSON(w, http.StatusCreated, t)
}

func (s *Service) updateTask(w http.ResponseWriter, r *http.Request, p Principal) {
	id, err := parseID("id", r.PathValue("id"))
	if err != nil {
		s.fail(w, err)
		return
	}
	var in struct {
		Status string `json:"status"`
	}
	if err := decode(r, &in); err != nil {
		s.fail(w, err)
		return
	}
	status, err := parseTaskStatus("status", in.Status)
	if err != nil {
		s.fail(w, err)
		return
	}
	var t *db.Task
	err = s.Store.InTenant(r.Context(), p.TenantID, func(ctx context.Context, tx *db.Client) error {
		var err error
		t, err = tx.Task.Update(ctx, &db.TaskUpdateArgs{Where: db.TaskByTenantIDID(p.TenantID, id),
			Data: []db.TaskSet{db.TaskFields.Status.Set(status)}})
		return err
	}, nil)
	if err != nil {
		s.fail(w, err)
		return
	}
	s.checkRows(p, t.TenantID)
	writeJSON(w, http.StatusOK, t)
}

func (s *Service) listInvoices(w http.ResponseWriter, r *http.Request, p Principal) {
	var (
		is    []db.Invoice
		total *orm.AggregateResult
	)
	err := s.Store.InTenant(r.Context(), p.TenantID, func(ctx context.Context, tx *db.Client) error {
		var err error
		if is, err = tx.Invoice.FindMany(ctx, &db.InvoiceFindArgs{OrderBy: []db.InvoiceOrder{db.InvoiceFields.ID.Desc()}, Take: 200}); err != nil {
			return err
		}
		total, err = tx.Invoice.Aggregate(ctx, &db.InvoiceAggregateArgs{Sum: []db.InvoiceField{db.InvoiceFields.Amount}})
		return err
	}, &readOnly)
	if err != nil {
		s.fail(w, err)
		return
	}
	for _, i := range is {
		s.checkRows(p, i.TenantID)
	}
	if is == nil {
		is = []db.Invoice{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"invoices": is, "total": total.Sum["amount"]})
}

var amountRE = regexp.MustCompile(`^-?[0-9]{1,10}(\.[0-9]{1,2})?$`)

func (s *Service) createInvoice(w http.ResponseWriter, r *http.Request, p Principal) {
	var in struct {
		Number string `json:"number"`
		Amount string `json:"amount"`
	}
	if err := decode(r, &in); err != nil {
		s.fail(w, err)
		return
	}
	if !validName(in.Number) {
		s.fail(w, badInput("number", "number: must be 1 to 200 characters, without leading or trailing spaces"))
		return
	}
	var amount pgtype.Numeric
	if !amountRE.MatchString(in.Amount) || amount.Scan(in.Amount) != nil {
		s.fail(w, badInput("amount", `amount: must be a decimal string with at most 10 digits before the point and 2 after, such as "12.50"`))
		return
	}
	var inv *db.Invoice
	err := s.Store.InTenant(r.Context(), p.TenantID, func(ctx context.Context, tx *db.Client) error {
		var err error
		inv, err = tx.Invoice.Create(ctx, &db.InvoiceCreateArgs{Data: []db.InvoiceSet{
			db.InvoiceFields.Number.Set(in.Number), db.InvoiceFields.Amount.Set(amount)}})
		return err
	}, nil)
	if err != nil {
		s.fail(w, err)
		return
	}
	s.checkRows(p, inv.TenantID)
	writeJSON(w, http.StatusCreated, inv)
}

func (s *Service) listRecords(w http.ResponseWriter, r *http.Request, p Principal) {
	if s.Records == nil {
		writeError(w, http.StatusNotFound, CodeNotFound, "records are not configured")
		return
	}
	q := &RecordQuery{Collection: r.URL.Query().Get("collection"), Field: r.URL.Query().Get("field")}
	if q.Field != "" {
		if err := ValidateFieldName(q.Field); err != nil {
			s.fail(w, badInput("field", "field: "+strings.TrimPrefix(err.Error(), "tenancy: ")))
			return
		}
		q.Value = r.URL.Query().Get("value")
	}
	recs, err := s.Records.Find(r.Context(), p.TenantID, q)
	if err != nil {
		s.fail(w, err)
		return
	}
	for _, rec := range recs {
		s.checkRows(p, rec.TenantID)
	}
	if recs == nil {
		recs = []*Record{}
	}
	writeJSON(w, http.StatusOK, recs)
}

func (s *Service) createRecord(w http.ResponseWriter, r *http.Request, p Principal) {
	if s.Records == nil {
		writeError(w, http.StatusNotFound, CodeNotFound, "records are not configured")
		return
	}
	var in struct {
		Collection   string         `json:"collection"`
		Data         map[string]any `json:"data"`
		CustomFields map[string]any `json:"customFields"`
	}
	if err := decode(r, &in); err != nil {
		s.fail(w, err)
		return
	}
	if len(in.Collection) > 100 {
		s.fail(w, badInput("collection", "collection: must be at most 100 characters"))
		return
	}
	if err := checkFields(in.CustomFields); err != nil {
		s.fail(w, badInput("customFields", "customFields: "+strings.TrimPrefix(err.Error(), "tenancy: ")))
		return
	}
	if err := checkData(map[string]any(in.Data), 0); err != nil {
		s.fail(w, badInput("data", "data: "+strings.TrimPrefix(err.Error(), "tenancy: ")))
		return
	}
	rec := &Record{CollectionName: in.Collection, Data: bson.M(in.Data), CustomFields: in.CustomFields}
	if err := s.Records.Create(r.Context(), p.TenantID, rec); err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, rec)
}

func (s *Service) clearCache(w http.ResponseWriter, r *http.Request, p Principal) {
	if s.Cache == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if err := s.Cache.Clear(r.Context(), p.TenantID); err != nil {
		s.fail(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// adminReport serves the audited cross-tenant report to the platform
// operator (X-Admin-Token, compared in constant time; X-Admin-Actor names
// who asks and goes to the audit table).
func (s *Service) adminReport(w http.ResponseWriter, r *http.Request) {
	if s.Reporter == nil || s.AdminToken == "" {
		writeError(w, http.StatusNotFound, CodeNotFound, "the admin report is not configured")
		return
	}
	tok := r.Header.Get("X-Admin-Token")
	if tok == "" {
		writeError(w, http.StatusUnauthorized, CodeUnauthenticated, "admin token required")
		return
	}
	if subtle.ConstantTimeCompare([]byte(tok), []byte(s.AdminToken)) != 1 {
		writeError(w, http.StatusForbidden, CodeForbidden, "not an admin")
		return
	}
	actor := r.Header.Get("X-Admin-Actor")
	if actor == "" {
		actor = "admin"
	}
	rep, err := s.Reporter.TenantReport(r.Context(), actor)
	if errors.Is(err, ErrActor) {
		s.fail(w, badInput("X-Admin-Actor", "X-Admin-Actor: "+strings.TrimPrefix(err.Error(), "tenancy: ")))
		return
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, rep)
}
