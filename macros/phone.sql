{#- E.164 from a phone typed by a person, given the calling-code row of its country
    (seed country_calling_codes joined as `codes`). See "How the contract is read" in the dbt docs overview. -#}
{% macro phone_digits(column) -%}
    {{ replace_all("coalesce(" ~ column ~ ", '')", '[^0-9]', '') }}
{%- endmacro %}

{#- Digits and + signs only: a + counts when it is the first of them. -#}
{% macro phone_plus_digits(column) -%}
    {{ replace_all("coalesce(" ~ column ~ ", '')", '[^0-9+]', '') }}
{%- endmacro %}

{% macro e164_from_local(column, codes) -%}
    case
        when {{ phone_digits(column) }} = '' then null
        when {{ starts_with(phone_plus_digits(column), "'+'") }} then '+' || {{ phone_digits(column) }}
        when {{ starts_with(phone_digits(column), "'00'") }} then '+' || substr({{ phone_digits(column) }}, 3)
        when {{ codes }}.calling_code is null then null
        when {{ codes }}.national_number_digits is not null then
            case
                when length({{ phone_digits(column) }}) = {{ codes }}.national_number_digits
                    then '+' || {{ codes }}.calling_code || {{ phone_digits(column) }}
                when length({{ phone_digits(column) }}) = {{ codes }}.national_number_digits + 1
                    and {{ starts_with(phone_digits(column), 'cast(' ~ codes ~ '.calling_code as ' ~ dbt.type_string() ~ ')') }}
                    then '+' || {{ phone_digits(column) }}
            end
        when {{ codes }}.trunk_prefix is not null
            and {{ starts_with(phone_digits(column), 'cast(' ~ codes ~ '.trunk_prefix as ' ~ dbt.type_string() ~ ')') }}
            then '+' || {{ codes }}.calling_code
                || substr({{ phone_digits(column) }}, length(cast({{ codes }}.trunk_prefix as {{ dbt.type_string() }})) + 1)
        else '+' || {{ codes }}.calling_code || {{ phone_digits(column) }}
    end
{%- endmacro %}

{#- A number reported by a telephony system (E.164 already): digits and a leading +, a leading 00
    read as +. No country is assumed for a number without either. -#}
{% macro e164_from_endpoint(column) -%}
    case
        when {{ phone_digits(column) }} = '' then null
        when {{ starts_with(phone_plus_digits(column), "'+'") }} then '+' || {{ phone_digits(column) }}
        when {{ starts_with(phone_digits(column), "'00'") }} then '+' || substr({{ phone_digits(column) }}, 3)
        else {{ phone_digits(column) }}
    end
{%- endmacro %}
