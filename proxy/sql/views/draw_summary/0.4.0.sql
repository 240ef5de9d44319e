/*
 * Reports: the views of promo_draw, over every node.
 */
CREATE VIEW promo_draw.draw_summary AS
SELECT d.draw_id, d.name, d.status, d.opens_at, d.closes_at, d.draw_at, d.drawn_at,
       s.participants, s.tickets, coalesce(p.prize_units, 0) AS prize_units,
       coalesce(p.prize_value, 0) AS prize_value,
       s.won, s."default", s.lost, s.ineligible, s.value_won,
       d.failed_runs, d.last_error, d.last_error_at,
       d.sealed, d.sealed_at, d.entry_digest, d.beacon_source, d.beacon_at,
       d.beacon_due_at, d.seal_committed_at, d.prize_digest, d.digest_version
FROM promo_draw_proxy.draws(NULL) d
JOIN (SELECT x.draw_id, sum(x.participants)::bigint AS participants, sum(x.tickets) AS tickets,
             sum(x.won)::bigint AS won, sum(x."default")::bigint AS "default", sum(x.lost)::bigint AS lost,
             sum(x.ineligible)::bigint AS ineligible, sum(x.value_won) AS value_won
      FROM promo_draw_proxy.summary_rows() x GROUP BY x.draw_id) s ON s.draw_id = d.draw_id
LEFT JOIN (SELECT x.draw_id, sum(x.quantity)::bigint AS prize_units, sum(x.value * x.quantity) AS prize_value
           FROM promo_draw_proxy.prize_rows(NULL) x GROUP BY x.draw_id) p ON p.draw_id = d.draw_id;
COMMENT ON VIEW promo_draw.draw_summary IS
	'one row per draw, over every node: participants, tickets, prizes on offer and given, outcomes';
