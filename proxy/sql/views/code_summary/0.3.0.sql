CREATE VIEW promo_draw.code_summary AS
SELECT c.code, max(c.starts_at) AS starts_at, max(c.ends_at) AS ends_at,
       max(c.max_redemptions) AS max_redemptions, sum(c.redeemed)::bigint AS redeemed,
       sum(c.cancelled)::bigint AS cancelled,
       max(c.max_redemptions) - coalesce(sum(c.used), 0) AS remaining,
       (array_agg(c.reward))[1] AS reward
FROM promo_draw_proxy.code_counts_on_all() c
GROUP BY c.code;
COMMENT ON VIEW promo_draw.code_summary IS
	'one row per promotion code, over every node: redemptions, cancellations and places left under the limit';
