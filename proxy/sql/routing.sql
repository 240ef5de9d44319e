
/*
 * The PL/Proxy functions: each runs one statement on one node (RUN ON a
 * node number or a customer's hash) or on all of them (RUN ON ALL, in
 * parallel).  A node that does not answer fails the call with PL/Proxy's
 * error, naming the node's connection string.
 */

CREATE FUNCTION promo_draw_proxy.shard_node(OUT node integer, OUT nodes integer, OUT version text)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT * FROM promo_draw.shard_node();
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.configure_on(on_node integer, node integer, nodes integer)
RETURNS integer AS $$
	CLUSTER 'promo_draw_shards'; RUN ON on_node;
	SELECT promo_draw.shard_configure(node, nodes);
$$ LANGUAGE plproxy VOLATILE;

-- definitions: made on node 0, copied everywhere

CREATE FUNCTION promo_draw_proxy.create_draw_on_0(name text, closes_at timestamptz,
	draw_at timestamptz, opens_at timestamptz, stake_per_ticket numeric,
	max_wins_per_customer integer, partitions integer, requires_opt_in boolean,
	milestones integer[], min_stake numeric, max_tickets_per_customer bigint,
	default_prize text, lose_message text, eligibility text, sealed boolean, beacon_source text)
RETURNS bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON 0;
	SELECT promo_draw.create_draw(name, closes_at, draw_at, opens_at, stake_per_ticket,
		max_wins_per_customer, partitions, requires_opt_in, milestones, min_stake,
		max_tickets_per_customer, default_prize, lose_message, eligibility::regprocedure,
		sealed, beacon_source);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.add_prize_on_0(draw_id bigint, name text, value numeric,
	quantity integer, payload jsonb)
RETURNS bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON 0;
	SELECT promo_draw.add_prize(draw_id, name, value, quantity, payload);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.draw_definition_on_0(draw_id bigint) RETURNS jsonb AS $$
	CLUSTER 'promo_draw_shards'; RUN ON 0;
	SELECT promo_draw.shard_draw_definition(draw_id);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.put_draw_on_all(definition jsonb) RETURNS SETOF bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT promo_draw.shard_put_draw(definition);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.cancel_draw_on_all(draw_id bigint, reason text) RETURNS SETOF integer AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT 1 FROM promo_draw.cancel_draw(draw_id, reason);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.close_partition_on_all(draw_id bigint, partition integer)
RETURNS SETOF boolean AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT promo_draw.close_partition(draw_id, partition);
$$ LANGUAGE plproxy VOLATILE;

-- customer-keyed calls, on the customer's node

CREATE FUNCTION promo_draw.opt_in(draw_id bigint, customer_id bigint) RETURNS void AS $$
	CLUSTER 'promo_draw_shards'; RUN ON hashint8(customer_id);
	SELECT promo_draw.opt_in(draw_id, customer_id);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw.award_tickets(draw_id bigint, customer_id bigint, n bigint DEFAULT 1)
RETURNS bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON hashint8(customer_id);
	SELECT promo_draw.award_tickets(draw_id, customer_id, n);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.award_tickets_on(node integer, draw_id bigint,
	customer_ids bigint[], counts bigint[])
RETURNS bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON node;
	SELECT promo_draw.award_tickets(draw_id, customer_ids, counts);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw.record_stake(draw_id bigint, customer_id bigint, amount numeric,
	at timestamptz DEFAULT now(), partition integer DEFAULT 0, source_offset bigint DEFAULT NULL)
RETURNS bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON hashint8(customer_id);
	SELECT promo_draw.record_stake(draw_id, customer_id, amount, at, partition, source_offset);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.record_stakes_on(node integer, draw_id bigint,
	customer_ids bigint[], amounts numeric[], ats timestamptz[], partition integer,
	source_offsets bigint[])
RETURNS bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON node;
	SELECT promo_draw.record_stakes(draw_id, customer_ids, amounts, ats, partition, source_offsets);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw.ticket_progress(draw_id bigint, customer_id bigint,
	OUT tickets bigint, OUT stake numeric, OUT stake_to_next_ticket numeric, OUT opted_in boolean)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON hashint8(customer_id);
	SELECT * FROM promo_draw.ticket_progress(draw_id, customer_id);
$$ LANGUAGE plproxy VOLATILE;

-- the sharded draw (proxy/sql/draws.sql)

CREATE FUNCTION promo_draw_proxy.draw_state_on_all(draw_id bigint,
	OUT node integer, OUT status text, OUT staged_token uuid, OUT staged bigint, OUT results bigint,
	OUT entries bigint)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT * FROM promo_draw.shard_draw_state(draw_id);
$$ LANGUAGE plproxy VOLATILE;

-- a draw's tickets come in parts (customer_id mod parts), so the proxy,
-- which holds a whole call's result, holds one part at a time
CREATE FUNCTION promo_draw_proxy.draw_tickets_on_all(draw_id bigint, part integer, parts integer,
	OUT ticket uuid, OUT customer_id bigint, OUT rank integer, OUT tickets bigint)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT * FROM promo_draw.shard_draw_tickets(draw_id, part, parts);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.ineligible_on(node integer, draw_id bigint, customer_ids bigint[])
RETURNS bigint[] AS $$
	CLUSTER 'promo_draw_shards'; RUN ON node;
	SELECT promo_draw.shard_ineligible(draw_id, customer_ids);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.stage_draw_on(node integer, draw_id bigint, token uuid,
	places bigint[], customer_ids bigint[], tickets uuid[], prize_ids bigint[], outcomes text[])
RETURNS bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON node;
	SELECT promo_draw.shard_stage_draw(draw_id, token, places, customer_ids, tickets, prize_ids, outcomes);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.publish_draw_on_all(draw_id bigint, token uuid, staged bigint[],
	OUT node integer, OUT results bigint)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT * FROM promo_draw.shard_publish_draw(draw_id, token, staged);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.draw_results_on_all(draw_id bigint,
	OUT place bigint, OUT customer_id bigint, OUT ticket uuid, OUT prize_id bigint,
	OUT prize text, OUT outcome text)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT * FROM promo_draw.shard_draw_results(draw_id);
$$ LANGUAGE plproxy VOLATILE;

-- draws to draw, and sealed draws ready to seal (to_seal: past closes_at,
-- or every partition closed while a seal did not reach every node), as
-- node 0 sees them
CREATE FUNCTION promo_draw_proxy.due_draws_on_0(OUT draw_id bigint, OUT to_seal boolean)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON 0;
	SELECT d.draw_id, false AS to_seal FROM promo_draw.draw d
	WHERE d.draw_at <= clock_timestamp()
	  AND ((d.status = 'open' AND NOT d.sealed
	        AND CASE WHEN d.partitions > 0 THEN d.ready_at IS NOT NULL ELSE clock_timestamp() >= d.closes_at END)
	       OR (d.status = 'sealed' AND d.beacon IS NOT NULL))
	UNION ALL
	SELECT d.draw_id, true FROM promo_draw.draw d
	WHERE d.status = 'open' AND d.sealed
	  AND CASE WHEN d.partitions > 0 THEN d.ready_at IS NOT NULL ELSE clock_timestamp() >= d.closes_at END
	ORDER BY 2 DESC, 1;
$$ LANGUAGE plproxy VOLATILE;

-- sealed draws

CREATE FUNCTION promo_draw_proxy.sealed_entries_on_all(draw_id bigint,
	OUT customer_id bigint, OUT tickets bigint)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT * FROM promo_draw.shard_sealed_entries(draw_id);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.seal_draw_on_all(draw_id bigint, digest bytea) RETURNS SETOF bytea AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT promo_draw.shard_seal_draw(draw_id, digest);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.set_beacon_on(node integer, draw_id bigint, value bytea, reference text)
RETURNS void AS $$
	CLUSTER 'promo_draw_shards'; RUN ON node;
	SELECT promo_draw.set_beacon(draw_id, value, reference);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.sealed_tickets_on_all(draw_id bigint, part integer, parts integer,
	OUT key double precision, OUT customer_id bigint, OUT rank integer, OUT tickets bigint, OUT ticket uuid)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT * FROM promo_draw.shard_sealed_tickets(draw_id, part, parts);
$$ LANGUAGE plproxy VOLATILE;

-- what the reports and verify_draw read, from every node (NULL: every draw)

CREATE FUNCTION promo_draw_proxy.draw_rows(draw_id bigint) RETURNS SETOF promo_draw_proxy.draw_row AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT (SELECT s.node FROM promo_draw.shard_node s) AS node, d.draw_id, d.name, d.opens_at,
		d.closes_at, d.draw_at, d.status, d.partitions, d.max_wins_per_customer,
		d.stake_per_ticket, d.min_stake, d.max_tickets_per_customer, d.milestones,
		d.requires_opt_in, d.default_prize, d.lose_message, d.eligibility::text AS eligibility,
		d.eligibility_identity, d.seed_hash, d.created_by::text AS created_by, d.created_at,
		d.ready_at, d.drawn_at, d.participants, d.tickets_total, d.cancelled_at, d.cancel_reason,
		d.failed_runs, d.last_error, d.last_error_at, d.sealed, d.beacon_source, d.entry_digest,
		d.sealed_at, d.beacon, d.beacon_reference, d.beacon_at
	FROM promo_draw.draw d WHERE draw_id IS NULL OR d.draw_id = draw_id;
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.prize_rows(for_draw bigint,
	OUT prize_id bigint, OUT draw_id bigint, OUT name text, OUT value numeric,
	OUT quantity integer, OUT payload jsonb)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON 0;
	SELECT p.prize_id, p.draw_id, p.name, p.value, p.quantity, p.payload
	FROM promo_draw.prize p WHERE for_draw IS NULL OR p.draw_id = for_draw;
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.draw_reveal_rows(for_draw bigint,
	OUT draw_id bigint, OUT seed bytea, OUT seed_hash bytea, OUT drawn_at timestamptz)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON 0;
	SELECT v.draw_id, v.seed, v.seed_hash, v.drawn_at
	FROM promo_draw.draw_reveal v WHERE for_draw IS NULL OR v.draw_id = for_draw;
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.entry_reveal_rows(for_draw bigint,
	OUT draw_id bigint, OUT customer_id bigint, OUT tickets bigint, OUT best uuid[], OUT opted_in boolean)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT e.draw_id, e.customer_id, e.tickets, e.best, e.opted_in
	FROM promo_draw.entry_reveal e WHERE for_draw IS NULL OR e.draw_id = for_draw;
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.result_rows(for_draw bigint,
	OUT draw_id bigint, OUT place bigint, OUT customer_id bigint, OUT ticket uuid,
	OUT prize_id bigint, OUT outcome text)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT r.draw_id, r.place, r.customer_id, r.ticket, r.prize_id, r.outcome
	FROM promo_draw.result r WHERE for_draw IS NULL OR r.draw_id = for_draw;
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.notification_rows(for_draw bigint,
	OUT notification_id bigint, OUT customer_id bigint, OUT draw_id bigint, OUT kind text,
	OUT payload jsonb, OUT created_at timestamptz, OUT delivered_at timestamptz)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT n.notification_id, n.customer_id, n.draw_id, n.kind, n.payload, n.created_at, n.delivered_at
	FROM promo_draw.notification n WHERE for_draw IS NULL OR n.draw_id = for_draw;
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.summary_rows(
	OUT draw_id bigint, OUT participants bigint, OUT tickets numeric, OUT won bigint,
	OUT "default" bigint, OUT lost bigint, OUT ineligible bigint, OUT value_won numeric)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT s.draw_id, s.participants, s.tickets, s.won, s."default", s.lost, s.ineligible, s.value_won
	FROM promo_draw.draw_summary s;
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.customer_result_rows(
	OUT draw_id bigint, OUT draw_name text, OUT customer_id bigint, OUT place bigint,
	OUT outcome text, OUT prize text, OUT prize_value numeric, OUT prize_payload jsonb,
	OUT ticket uuid, OUT drawn_at timestamptz)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT * FROM promo_draw.customer_result;
$$ LANGUAGE plproxy VOLATILE;

-- promotion codes (proxy/sql/codes.sql)

CREATE FUNCTION promo_draw_proxy.put_code_on(node integer, code text, starts_at timestamptz,
	ends_at timestamptz, max_redemptions bigint, reward jsonb, capacity bigint)
RETURNS void AS $$
	CLUSTER 'promo_draw_shards'; RUN ON node;
	SELECT promo_draw.shard_put_code(code, starts_at, ends_at, max_redemptions, reward, capacity);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.create_codes_on_0(prefix text, n integer, starts_at timestamptz,
	ends_at timestamptz, reward jsonb)
RETURNS SETOF text AS $$
	CLUSTER 'promo_draw_shards'; RUN ON 0;
	SELECT * FROM promo_draw.create_codes(prefix, n, starts_at, ends_at, reward);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.put_codes_on(node integer, codes text[], starts_at timestamptz,
	ends_at timestamptz, reward jsonb)
RETURNS bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON node;
	SELECT promo_draw.shard_put_codes(codes, starts_at, ends_at, reward);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.redeem_on(node integer, for_code text, for_customer bigint,
	OUT code text, OUT customer_id bigint, OUT redeemed_at timestamptz, OUT cancelled_at timestamptz,
	OUT shard integer)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON node;
	SELECT r.code, r.customer_id, r.redeemed_at, r.cancelled_at, r.shard
	FROM promo_draw.shard_redeem(for_code, for_customer) r;
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw.cancel_redemption(code text, customer_id bigint) RETURNS void AS $$
	CLUSTER 'promo_draw_shards'; RUN ON hashint8(customer_id);
	SELECT promo_draw.cancel_redemption(code, customer_id);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.lend_code_room_on(node integer, code text, wanted bigint,
	transfer_id uuid, to_node integer)
RETURNS bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON node;
	SELECT promo_draw.shard_lend_code_room(code, wanted, transfer_id, to_node);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.accept_code_room_on(node integer, code text, transfer_id uuid,
	amount bigint, from_node integer)
RETURNS boolean AS $$
	CLUSTER 'promo_draw_shards'; RUN ON node;
	SELECT promo_draw.shard_accept_code_room(code, transfer_id, amount, from_node);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.code_transfers_on_all(for_code text,
	OUT node integer, OUT transfer_id uuid, OUT code text, OUT amount bigint, OUT direction text,
	OUT peer integer)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT (SELECT s.node FROM promo_draw.shard_node s) AS node, t.transfer_id, t.code, t.amount,
	       t.direction, t.peer
	FROM promo_draw.shard_code_transfers(for_code) t;
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.code_counts_on_all(
	OUT code text, OUT starts_at timestamptz, OUT ends_at timestamptz, OUT max_redemptions bigint,
	OUT redeemed bigint, OUT cancelled bigint, OUT used numeric, OUT capacity numeric, OUT reward jsonb)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT * FROM promo_draw.shard_code_counts();
$$ LANGUAGE plproxy VOLATILE;

-- each node's redemption_report, labelled there
CREATE FUNCTION promo_draw_proxy.redemption_report_rows(
	OUT code_label text, OUT customer_id bigint, OUT redeemed_at timestamptz,
	OUT cancelled_at timestamptz, OUT archived boolean)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT * FROM promo_draw.redemption_report;
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.redemption_rows(
	OUT code text, OUT customer_id bigint, OUT redeemed_at timestamptz, OUT cancelled_at timestamptz,
	OUT shard integer)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT r.code, r.customer_id, r.redeemed_at, r.cancelled_at, r.shard FROM promo_draw.redemption r;
$$ LANGUAGE plproxy VOLATILE;

-- instant wins, bonuses and messages (proxy/sql/customers.sql)

CREATE FUNCTION promo_draw_proxy.create_instant_win_on_0(name text, starts_at timestamptz,
	ends_at timestamptz)
RETURNS bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON 0;
	SELECT promo_draw.create_instant_win(name, starts_at, ends_at);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.instant_win_definition_on_0(instant_win_id bigint) RETURNS jsonb AS $$
	CLUSTER 'promo_draw_shards'; RUN ON 0;
	SELECT promo_draw.shard_instant_win_definition(instant_win_id);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.put_instant_win_on_all(definition jsonb) RETURNS SETOF bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT promo_draw.shard_put_instant_win(definition);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.add_instant_prizes_on(node integer, instant_win_id bigint,
	prize text, quantity integer)
RETURNS void AS $$
	CLUSTER 'promo_draw_shards'; RUN ON node;
	SELECT promo_draw.add_instant_prizes(instant_win_id, prize, quantity);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.shuffle_instant_win_on_all(instant_win_id bigint) RETURNS SETOF bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT promo_draw.shuffle_instant_win(instant_win_id);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw.instant_win(instant_win_id bigint, customer_id bigint,
	OUT prize text, OUT outcome text)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON hashint8(customer_id);
	SELECT * FROM promo_draw.instant_win(instant_win_id, customer_id);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw.grant_bonus(customer_id bigint, amount numeric, playthrough numeric,
	expires_at timestamptz DEFAULT NULL, min_stake numeric DEFAULT 0)
RETURNS bigint AS $$
	CLUSTER 'promo_draw_shards'; RUN ON hashint8(customer_id);
	SELECT promo_draw.grant_bonus(customer_id, amount, playthrough, expires_at, min_stake);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw.bonus_bet(bonus_id bigint, stake numeric, contribution numeric DEFAULT 1,
	bet_id text DEFAULT NULL)
RETURNS void AS $$
	CLUSTER 'promo_draw_shards'; RUN ON promo_draw_proxy.node_of_bonus(bonus_id);
	SELECT promo_draw.bonus_bet(bonus_id, stake, contribution, bet_id);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw.bonus_win(bonus_id bigint, amount numeric, bet_id text DEFAULT NULL)
RETURNS void AS $$
	CLUSTER 'promo_draw_shards'; RUN ON promo_draw_proxy.node_of_bonus(bonus_id);
	SELECT promo_draw.bonus_win(bonus_id, amount, bet_id);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw.forfeit_bonus(bonus_id bigint, reason text) RETURNS void AS $$
	CLUSTER 'promo_draw_shards'; RUN ON promo_draw_proxy.node_of_bonus(bonus_id);
	SELECT promo_draw.forfeit_bonus(bonus_id, reason);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw.bonus_state(bonus_id bigint,
	OUT balance numeric, OUT wagered numeric, OUT required numeric, OUT accepts_bets boolean,
	OUT cleared boolean, OUT status text)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON promo_draw_proxy.node_of_bonus(bonus_id);
	SELECT * FROM promo_draw.bonus_state(bonus_id);
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.expire_bonuses_on_all() RETURNS SETOF integer AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT promo_draw.expire_bonuses();
$$ LANGUAGE plproxy VOLATILE;

CREATE FUNCTION promo_draw_proxy.take_notifications_on_all(max_count integer,
	OUT notification_id bigint, OUT customer_id bigint, OUT draw_id bigint, OUT kind text,
	OUT payload jsonb, OUT created_at timestamptz, OUT delivered_at timestamptz)
RETURNS SETOF record AS $$
	CLUSTER 'promo_draw_shards'; RUN ON ALL;
	SELECT n.notification_id, n.customer_id, n.draw_id, n.kind, n.payload, n.created_at, n.delivered_at
	FROM promo_draw.shard_take_notifications(max_count) n;
$$ LANGUAGE plproxy VOLATILE;
