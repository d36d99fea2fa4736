-- The status follows from the follow-up and its delay, and only known customers are followed up: rows returned are responses whose status, delay or customer disagree.
select f.survey_type, f.response_id, f.customer_key, f.status, f.hours_to_follow_up, f.followed_up_at
from marts.fct_feedback_follow_ups as f
left join marts.dim_customers as c on f.customer_key = c.customer_key
where c.customer_key is null
    or not c.is_known
    or f.followed_up_at <= f.submitted_at
    or (f.status = 'closed' and not (f.followed_up_at is not null and f.hours_to_follow_up <= 48))
    or (f.status = 'late' and not (f.followed_up_at is not null and f.hours_to_follow_up >= 48))
    or (f.status in ('open', 'overdue') and f.followed_up_at is not null)
