--
-- Scheduling and the outbox: run_due_draws, cancel_draw, take_notifications.
--
\set ECHO none
\i test/include/promo_test.sql
\set ECHO all

-- start from no open draws, so the counts below are this test's own
SELECT count(cancel_draw(draw_id)) >= 0 AS others_cancelled FROM draw WHERE status = 'open';

-- due and ready: drawn; due but waiting for a partition: skipped; ready but
-- not due yet: skipped
SELECT create_draw('Due', '2100-01-01', opens_at => '2000-01-01') AS due \gset
SELECT fix_seed(:due, 'due draw');
SELECT add_prize(:due, 'Prize', 1, 1), award_tickets(:due, 1, 1), award_tickets(:due, 2, 1);
SELECT close_by_time(:due);
SELECT create_draw('Waiting', '2100-01-01', opens_at => '2000-01-01', partitions => 2) AS waiting \gset
SELECT award_tickets(:waiting, 1, 1), close_partition(:waiting, 0);
UPDATE draw SET closes_at = '2000-01-02', draw_at = '2000-01-02' WHERE draw_id = :waiting;
SELECT create_draw('Later', '2100-01-01', opens_at => '2000-01-01', draw_at => '2100-01-02',
                   partitions => 1) AS later \gset
SELECT award_tickets(:later, 1, 1), close_partition(:later, 0);

SELECT run_due_draws() AS drawn;
SELECT draw_id = :due AS is_due, draw_id = :waiting AS is_waiting, status
FROM draw WHERE draw_id IN (:due, :waiting, :later) ORDER BY draw_id;
SELECT run_due_draws() AS drawn_again;

-- a draw whose eligibility function fails is reported and does not stop
-- the others
CREATE FUNCTION promo_test.failing_rule(customer bigint) RETURNS boolean LANGUAGE sql
	AS $$ SELECT customer / 0 > 0 $$;
SELECT create_draw('Fails', '2100-01-01', opens_at => '2000-01-01',
                   eligibility => 'failing_rule(bigint)') AS fails \gset
SELECT add_prize(:fails, 'Prize', 1, 1), award_tickets(:fails, 1, 1);
SELECT close_by_time(:fails);
SELECT create_draw('Fine', '2100-01-01', opens_at => '2000-01-01') AS fine \gset
SELECT add_prize(:fine, 'Prize', 1, 1), award_tickets(:fine, 1, 1);
SELECT close_by_time(:fine);
SELECT run_due_draws() AS drawn;
SELECT name, status FROM draw WHERE draw_id IN (:fails, :fine) ORDER BY draw_id;
-- the failure is kept on the draw, visibly, and counted on every try
SELECT run_due_draws() AS drawn_on_retry;
SELECT name, status, failed_runs, last_error, last_error_at IS NOT NULL AS last_error_at_set
FROM draw_summary WHERE draw_id IN (:fails, :fine) ORDER BY draw_id;
SELECT cancel_draw(:fails, 'rule broken');
DROP FUNCTION promo_test.failing_rule(bigint);

--
-- cancel_draw: no tickets, no draw, twice is harmless, a drawn draw cannot
--
SELECT create_draw('Cancelled', '2100-01-01', opens_at => '2000-01-01') AS c \gset
SELECT award_tickets(:c, 1, 1);
SELECT cancel_draw(:c, 'licence withdrawn'), cancel_draw(:c);
SELECT status, cancel_reason, cancelled_at IS NOT NULL AS cancelled_at_set FROM draw WHERE draw_id = :c;
SELECT * FROM error_of(format($$SELECT award_tickets(%s, 1, 1)$$, :c));
SELECT * FROM error_of(format($$SELECT opt_in(%s, 1)$$, :c));
SELECT * FROM error_of(format($$SELECT add_prize(%s, 'Prize', 1)$$, :c));
SELECT * FROM error_of(format($$SELECT * FROM run_draw(%s)$$, :c));
SELECT * FROM error_of(format($$SELECT cancel_draw(%s)$$, :due));
SELECT * FROM error_of($$SELECT cancel_draw(-1)$$);
SELECT * FROM error_of($$SELECT cancel_draw(NULL)$$);
SELECT count(*) AS revealed FROM draw_reveal WHERE draw_id = :c;

--
-- reporting views
--
SELECT name, status, participants, tickets, prize_units, prize_value, won, "default", lost,
       ineligible, value_won
FROM draw_summary WHERE draw_id IN (:due, :waiting, :c) ORDER BY draw_id;
SELECT draw_name, customer_id, outcome, prize, prize_value
FROM customer_result WHERE draw_id = :due ORDER BY place;

--
-- take_notifications: in id order, each handed out once.  A draw's outcome
-- messages are its results; they come in the same id order as the outbox.
--
SELECT count(*) > 0 AS earlier_taken FROM take_notifications(1000);
-- DELETE removes outbox rows; outcome messages stay with their results
DELETE FROM notification;
SELECT count(*) AS outbox_left FROM outbox;
SELECT count(*) = (SELECT count(*) FROM result WHERE outcome <> 'ineligible') AS outcomes_kept
FROM notification;
SELECT create_draw('Messages', '2100-01-01', opens_at => '2000-01-01', partitions => 1,
                   milestones => '{1}') AS m \gset
SELECT create_draw('Messages later', '2100-01-01', opens_at => '2000-01-01',
                   milestones => '{1}') AS m2 \gset
SELECT count(award_tickets(:m, c, 1)) FROM generate_series(1, 5) c;
SELECT count(add_prize(:m, 'Cap', 5, 2));
SELECT close_partition(:m, 0);
SELECT count(*) FROM run_draw(:m);
SELECT count(award_tickets(:m2, c, 1)) FROM generate_series(6, 7) c;
SELECT count(*) AS delivery_rows FROM outcome_delivery WHERE draw_id = :m;
SELECT CASE WHEN kind = 'milestone' THEN customer_id END AS milestone_of, kind,
       draw_id = :m AS of_m FROM take_notifications(4);
SELECT CASE WHEN kind = 'milestone' THEN customer_id END AS milestone_of, kind,
       draw_id = :m AS of_m FROM take_notifications(4);
SELECT CASE WHEN kind = 'milestone' THEN customer_id END AS milestone_of, kind,
       draw_id = :m AS of_m FROM take_notifications(4);
SELECT count(*) AS left_over FROM take_notifications(3);
SELECT count(*) AS delivery_rows FROM outcome_delivery WHERE draw_id = :m;
-- each taken once, in id order across the outbox and the results: a later
-- id was never handed out before an earlier one
SELECT bool_and(delivered_at IS NOT NULL) AS all_delivered,
       count(*) FILTER (WHERE kind IN ('won', 'lost')) AS outcomes,
       count(*) FILTER (WHERE kind = 'milestone') AS milestones,
       count(DISTINCT notification_id) AS ids,
       bool_and(coalesce(before <= delivered_at, true)) AS in_id_order
FROM (SELECT n.*, lag(n.delivered_at) OVER (ORDER BY n.notification_id) AS before
      FROM notification n WHERE n.draw_id IN (:m, :m2)) n;
SELECT count(*) AS delivered, count(*) FILTER (WHERE delivered_at IS NULL) AS undelivered
FROM notification;
SELECT count(*) AS taken_for_null FROM take_notifications(NULL);
