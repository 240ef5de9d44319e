--@ promo_draw_proxy 0.4.0, not released yet: the update from 0.3.0.  An
--@ object that changes in 0.4.0 gets a file of that version, included here
--@ (with OR REPLACE for a function or view changed in place) and by
--@ promo_draw_proxy--0.4.0.sql.
-- promo_draw_proxy 0.3.0 -> 0.4.0.  No object changes.

-- complain if script is sourced in psql, rather than via ALTER EXTENSION
\echo Use "ALTER EXTENSION promo_draw_proxy UPDATE TO '0.4.0'" to load this file. \quit
