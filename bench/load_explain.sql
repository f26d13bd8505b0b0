-- The plans of docs/benchmarks.md (issue 18): psql -d <grown db> -f bench/load_explain.sql;
-- 'before': the same in a transaction after DROP INDEX case_hall_created_idx,
-- case_created_idx, audit_hall_action_at_idx, then ROLLBACK. Set hall to the WQ hall's id.
\set hall 1
\echo == case list admin (all halls) newest first
EXPLAIN (ANALYZE, COSTS OFF, TIMING ON, SUMMARY ON) SELECT id FROM counterhall_case ORDER BY created_at DESC, id DESC LIMIT 100;
\echo == case list one hall, newest first
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT id FROM counterhall_case WHERE hall_id = :hall ORDER BY created_at DESC, id DESC LIMIT 51;
\echo == case list one hall, date_to a year ago (old: ::date cast)
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT id FROM counterhall_case WHERE hall_id = :hall AND (created_at AT TIME ZONE 'Asia/Shanghai')::date <= (now() - interval '365 days')::date ORDER BY created_at DESC, id DESC LIMIT 51;
\echo == case list one hall, date_to a year ago (new: range)
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT id FROM counterhall_case WHERE hall_id = :hall AND created_at < date_trunc('day', now() - interval '364 days') ORDER BY created_at DESC, id DESC LIMIT 51;
\echo == review queue statistics: the claims today of one hall
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT after -> 'waited_seconds' FROM counterhall_auditentry WHERE hall_id = :hall AND action = 'case.claim' AND at >= date_trunc('day', now());
\echo == review queue statistics: the claims of 30 days of one hall
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT after -> 'waited_seconds' FROM counterhall_auditentry WHERE hall_id = :hall AND action = 'case.claim' AND at >= now() - interval '30 days';
\echo == admin counts: old full count of cases, of audit entries
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT count(*) FROM counterhall_case;
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT count(*) FROM counterhall_auditentry;
\echo == admin counts: new bounded count
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT count(*) FROM (SELECT 1 FROM counterhall_auditentry LIMIT 10001) s;
\echo == admin audit: old DISTINCT actions (list filter), date_hierarchy years
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT DISTINCT action FROM counterhall_auditentry ORDER BY action;
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT DISTINCT date_trunc('year', at AT TIME ZONE 'Asia/Shanghai') FROM counterhall_auditentry;
\echo == admin audit list page, newest first
EXPLAIN (ANALYZE, COSTS OFF, SUMMARY ON) SELECT id FROM counterhall_auditentry ORDER BY at DESC, id DESC LIMIT 100;
