-- seed-sqlite.sql's twin of mrr-baseline.sql (decimal amounts are integers here, so the sum is exact).
select p.currency,
       sum(p.unit_amount * coalesce(si.quantity, 1)
           * 1.0 / (case p.recurring_interval when 'year' then 12 else 1 end * p.recurring_interval_count)) as mrr_minor
from subscriptions s
join subscription_items si on si.stripe_subscription_id = s.stripe_subscription_id and not si.deleted
join prices p on p.stripe_price_id = si.price_id
where s.status in ('active', 'past_due') and p.usage_type = 'licensed'
group by p.currency;
