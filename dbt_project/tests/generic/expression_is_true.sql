{#- Rows where the expression is false fail the test (a package-free expression_is_true). -#}
{% test expression_is_true(model, expression) %}
select * from {{ model }} where not ({{ expression }})
{% endtest %}
