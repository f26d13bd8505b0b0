-- Grows a database seeded by 'bench/load.py seed' in SQL: each LD case ×300 and each of
-- their audit entries ×250, dates shifted (docs/benchmarks.md, issue 18 plans).
--   psql -h 127.0.0.1 -U postgres -d <db> -f bench/load_grow.sql
\timing on
DO $$
DECLARE cols text; acols text;
BEGIN
  SELECT string_agg(quote_ident(column_name), ', ') INTO cols FROM information_schema.columns
   WHERE table_name='counterhall_case' AND column_name NOT IN ('id','number','created_at');
  EXECUTE format('INSERT INTO counterhall_case (number, created_at, %s) SELECT ''GX-''||g||''-''||c.id, c.created_at - (g %% 700) * interval ''1 day'' - (g %% 997) * interval ''1 minute'', %s FROM counterhall_case c CROSS JOIN generate_series(1, 300) g WHERE c.number LIKE ''LD%%''', cols, (SELECT string_agg('c.'||quote_ident(column_name), ', ') FROM information_schema.columns WHERE table_name='counterhall_case' AND column_name NOT IN ('id','number','created_at')));
  SELECT string_agg(quote_ident(column_name), ', ') INTO acols FROM information_schema.columns
   WHERE table_name='counterhall_auditentry' AND column_name NOT IN ('id','at','seq');
  EXECUTE format('INSERT INTO counterhall_auditentry (at, %s) SELECT a.at - (g %% 700) * interval ''1 day'' - (g %% 997) * interval ''1 minute'', %s FROM counterhall_auditentry a CROSS JOIN generate_series(1, 250) g WHERE a.target_label LIKE ''LD%%''', acols, (SELECT string_agg('a.'||quote_ident(column_name), ', ') FROM information_schema.columns WHERE table_name='counterhall_auditentry' AND column_name NOT IN ('id','at','seq')));
END $$;
ANALYZE;
SELECT count(*) FROM counterhall_case; SELECT count(*) FROM counterhall_auditentry;
