-- Included by the randomised pgTAP suites: the test seed is pdtest.seed if
-- set, else taken from the clock; it is printed so that a failed run can be
-- repeated (PGOPTIONS='-c pdtest.seed=N'), and seeds random().
SELECT coalesce(nullif(current_setting('pdtest.seed', true), ''),
                (extract(epoch FROM clock_timestamp()) * 1000)::bigint % 1000000 || '') AS seed \gset
SELECT diag('seed ' || :'seed' || ' (rerun with PGOPTIONS=''-c pdtest.seed=' || :'seed' || ''')');
SELECT setseed(:seed / 1000000.0) \g /dev/null
