-- Roles for an application, an operator and reporting tools.  doc/security.md
-- shows this file; test/pgtap/draw_roles.sql runs it and checks that each
-- role can do its job and nothing more.

-- The application: bets, tickets, opt-ins, partition reports, its outbox,
-- redemptions, instant-win plays, and bonuses with their bets and wins.
CREATE ROLE promo_app NOLOGIN;
GRANT USAGE ON SCHEMA promo_draw TO promo_app;
GRANT EXECUTE ON FUNCTION
	promo_draw.award_tickets(bigint, bigint, bigint),
	promo_draw.award_tickets(bigint, bigint[], bigint[]),
	promo_draw.record_stake(bigint, bigint, numeric, timestamptz, integer, bigint),
	promo_draw.record_stakes(bigint, bigint[], numeric[], timestamptz[], integer, bigint[]),
	promo_draw.ticket_progress(bigint, bigint),
	promo_draw.opt_in(bigint, bigint),
	promo_draw.close_partition(bigint, integer),
	promo_draw.take_notifications(integer),
	promo_draw.lease_messages(integer, interval, text[], bigint, text),
	promo_draw.ack_messages(bigint[]),
	promo_draw.redeem(text, bigint),
	promo_draw.cancel_redemption(text, bigint),
	promo_draw.instant_win(bigint, bigint),
	promo_draw.grant_bonus(bigint, numeric, numeric, timestamptz, numeric),
	promo_draw.bonus_bet(bigint, numeric, numeric, text),
	promo_draw.bonus_win(bigint, numeric, text),
	promo_draw.bonus_state(bigint)
TO promo_app;

-- The operator: sets draws, codes and instant wins up, runs draws (pg_cron
-- runs run_due_draws_job and expire_bonuses), grants and forfeits bonuses.
CREATE ROLE promo_operator NOLOGIN;
GRANT USAGE ON SCHEMA promo_draw TO promo_operator;
GRANT EXECUTE ON FUNCTION
	promo_draw.create_draw(text, timestamptz, timestamptz, timestamptz, numeric, integer,
	                       integer, boolean, integer[], numeric, bigint, text, text, regprocedure,
	                       boolean, text, timestamptz),
	promo_draw.add_prize(bigint, text, numeric, integer, jsonb),
	promo_draw.seal_draw(bigint),
	promo_draw.set_beacon(bigint, bytea, text),
	promo_draw.draw_among(text, bigint[], jsonb, text, boolean, bigint[], integer, text, text,
	                      regprocedure, timestamptz),
	promo_draw.entry_ref(bigint, bigint),
	promo_draw.run_draw(bigint),
	promo_draw.run_due_draws(),
	promo_draw.cancel_draw(bigint, text),
	promo_draw.create_code(text, timestamptz, timestamptz, bigint, jsonb),
	promo_draw.create_codes(text, integer, timestamptz, timestamptz, jsonb),
	promo_draw.create_instant_win(text, timestamptz, timestamptz),
	promo_draw.add_instant_prizes(bigint, text, integer),
	promo_draw.shuffle_instant_win(bigint),
	promo_draw.grant_bonus(bigint, numeric, numeric, timestamptz, numeric),
	promo_draw.forfeit_bonus(bigint, text),
	promo_draw.expire_bonuses(),
	promo_draw.draw_failures_since(timestamptz),
	promo_draw.purge_draws(interval),
	promo_draw.purge_messages(interval)
TO promo_operator;
GRANT EXECUTE ON PROCEDURE promo_draw.run_due_draws_job() TO promo_operator;

-- Reporting: reads the outcomes and summaries, but no secret: not a draw's
-- seed or its customers' best tickets (draw_reveal and entry_reveal show
-- them once the draw is drawn), not an instant win's pool (its order is
-- the outcome of the plays to come), and not the single-use promotion
-- codes, which anyone could redeem: code_report and redemption_report show
-- them without their last 12 characters.
CREATE ROLE promo_reporting NOLOGIN;
GRANT USAGE ON SCHEMA promo_draw TO promo_reporting;
GRANT EXECUTE ON FUNCTION promo_draw.draw_record(bigint), promo_draw.draw_record_rows(bigint)
TO promo_reporting;
GRANT SELECT ON
	promo_draw.prize, promo_draw.result, promo_draw.notification, promo_draw.partition_mark,
	promo_draw.draw_summary, promo_draw.customer_result,
	promo_draw.draw_reveal, promo_draw.entry_reveal, promo_draw.stats,
	promo_draw.code_report, promo_draw.redemption_report,
	promo_draw.instant_win, promo_draw.instant_play, promo_draw.instant_win_summary,
	promo_draw.bonus, promo_draw.bonus_event
TO promo_reporting;
GRANT SELECT (draw_id, name, opens_at, closes_at, draw_at, status, partitions,
              max_wins_per_customer, stake_per_ticket, min_stake, max_tickets_per_customer,
              milestones, requires_opt_in, default_prize, lose_message, eligibility,
              eligibility_identity, seed_hash, created_by, created_at, ready_at, drawn_at,
              participants,
              tickets_total, cancelled_at, cancel_reason, failed_runs, last_error,
              last_error_at, sealed, beacon_source, entry_digest, sealed_at, beacon,
              beacon_reference, beacon_at, beacon_due_at, seal_committed_at, prize_digest,
              digest_version, purged_at, record_digest)
	ON promo_draw.draw TO promo_reporting;
GRANT SELECT (draw_id, customer_id, tickets, stake, stake_tickets, opted_in, entry_ref)
	ON promo_draw.entry TO promo_reporting;
