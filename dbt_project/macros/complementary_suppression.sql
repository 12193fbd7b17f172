{#- Complementary suppression (docs: privacy rules): a cell is hidden when it is itself suppressed, and when
    it is the smallest shown cell of a breakdown in which exactly one other cell is suppressed, so the hidden
    cell cannot be worked out from the total by subtraction. `suppressed`: the cell's own flag; `size`: the
    count the cell is about; `partition_by`: the breakdown; `tiebreak`: which of two equal cells goes first.
    A window expression: use it in a select over the breakdown's rows. -#}
{% macro complementary_suppression(suppressed, size, partition_by, tiebreak) -%}
    ({{ suppressed }} or (
        sum(case when {{ suppressed }} then 1 else 0 end) over (partition by {{ partition_by }}) = 1
        and count(*) over (partition by {{ partition_by }}) > 1
        and row_number() over (partition by {{ partition_by }}
                               order by case when {{ suppressed }} then 1 else 0 end, {{ size }}, {{ tiebreak }}) = 1))
{%- endmacro %}
