package pipeline

import (
	"strings"
	"testing"
)

// The segment stage's reason codes on the score fixture, and the English
// reasons column written from them (see scoreFixture: A loyal top partner
// in cruise, C new with an estimated potential, G a declared potential of
// 0, R without potential).
func TestSegmentReasonCodes(t *testing.T) {
	t.Parallel()
	conn, done := matchDB(t, "1GB")
	defer done()
	scoreConn(t, conn, true, map[string]any{"score_retention_top_n": 3, "score_field_capacity": 2}, "score", "segment")
	got := query2(t, conn, `SELECT partner_id || ' ' || to_json(reason_codes) || E'\n' || reasons
FROM partner_scores WHERE partner_id IN ('A', 'B', 'C', 'G', 'R') ORDER BY partner_id`)
	want := strings.Join([]string{
		`A [{"rule":"loyalty","args":{"loyalty":"loyal","months":"12"}},` +
			`{"rule":"status","args":{"status":"strategic","share":"0.4","source":"declared","potential":"3000.0"}},` +
			`{"rule":"mode.cruise","args":{"share":"0.4","attainable":"0.4"}},` +
			`{"rule":"plan.retention","args":{"rank":"2","as":"cruise"}},{"rule":"coverage.telesales","args":{}}]`,
		`loyal: active 12 of the last 12 months; strategic: share of wallet 40.0% of a declared potential of 3,000; ` +
			`cruise: share 40.0% at or above the attainable 40.0%; plan retention: rank 2 nationally, in cruise; telesales`,
		`B [{"rule":"loyalty","args":{"loyalty":"occasional","months":"5"}},` +
			`{"rule":"status","args":{"status":"opportunity","share":"0.025","source":"declared","potential":"20000.0"}},` +
			`{"rule":"mode.development","args":{"share":"0.025","attainable":"0.4","percentile":"75","profile":"VAR / 10-49"}},` +
			`{"rule":"plan.development","args":{"opportunity":"7500.0","min":"5000.0"}},` +
			`{"rule":"coverage.field","args":{"value":"7500.0","rank":"2","capacity":"2"}}]`,
		`occasional: active 5 of the last 12 months; opportunity: share of wallet 2.5% of a declared potential of 20,000; ` +
			`development: share 2.5% below the attainable 40.0% (75th percentile of VAR / 10-49); ` +
			`plan development: opportunity 7,500 >= 5,000; field: value 7,500, rank 2 within the field capacity of 2`,
		`C [{"rule":"loyalty","args":{"loyalty":"opportunistic","months":"1"}},` +
			`{"rule":"status","args":{"status":"occasional","share":"0.2","source":"estimated","potential":"10000.0"}},` +
			`{"rule":"mode.development","args":{"share":"0.2","attainable":"0.4","percentile":"75","profile":"VAR / 10-49"}},` +
			`{"rule":"plan.support_new","args":{"months":"3"}},{"rule":"coverage.telesales","args":{}}]`,
		`opportunistic: active 1 of the last 12 months; occasional: share of wallet 20.0% of an estimated potential of 10,000; ` +
			`development: share 20.0% below the attainable 40.0% (75th percentile of VAR / 10-49); plan support: first purchase 3 month(s) ago; telesales`,
		`G [{"rule":"loyalty","args":{"loyalty":"loyal","months":"10"}},{"rule":"status.zero_potential","args":{}},` +
			`{"rule":"mode.no_share","args":{}},{"rule":"plan.none","args":{}},{"rule":"coverage.telesales","args":{}}]`,
		`loyal: active 10 of the last 12 months; no supplier status: the declared potential is 0; development: no share of wallet to compare; no plan; telesales`,
		`R [{"rule":"loyalty","args":{"loyalty":"opportunistic","months":"1"}},{"rule":"status.no_potential","args":{}},` +
			`{"rule":"mode.opportunistic","args":{"max_share":"0.05"}},{"rule":"plan.support_new","args":{"months":"0"}},{"rule":"coverage.telesales","args":{}}]`,
		`opportunistic: active 1 of the last 12 months; no supplier status: no potential (no declared revenue); ` +
			`prospecting: opportunistic with a share under 5.0%; plan support: first purchase 0 month(s) ago; telesales`,
	}, "\n") + "\n"
	if got != want {
		t.Errorf("partner_scores reasons:\n%s\nwant\n%s", got, want)
	}
}
