"""The SPARQL 1.1 Query and Update grammar (W3C Recommendation, section 19.8) for Lark.

Transcribed production by production from the specification; the numbers in comments are
the specification's. Written for Lark's LALR(1) parser with its contextual lexer: parsing is
a loop over an explicit stack, so no input, however deeply nested, can overflow a stack.
Unicode escapes (``\\u``) are read where the pyoxigraph store reads them, inside strings and
IRIs, and nowhere else.
"""

from __future__ import annotations

# [164]-[169] character classes
_PN_CHARS_BASE = (
    "A-Za-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF"
    "\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF"
    "\\uFDF0-\\uFFFD\\U00010000-\\U000EFFFF"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040"
_VARNAME = f"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\\u00B7\\u0300-\\u036F\\u203F-\\u2040]*"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PLX = "%[0-9A-Fa-f]{2}|\\\\[_~.\\-!$&'()*+,;=\\/?#@%]"  # "\\/": a slash ends a Lark regex
_PN_LOCAL = (
    f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
)
_UCHAR = "\\\\u[0-9A-Fa-f]{4}|\\\\U[0-9A-Fa-f]{8}"
_ECHAR = "\\\\(?:[tbnrf\"']|\\\\)"  # a backslash in a Lark class is lost: outside it

_TERMINALS = f"""
IRIREF: /<(?:[^<>"{{}}|^`\\\\\\x00-\\x20]|{_UCHAR})*>/
PNAME_LN.2: /(?:{_PN_PREFIX})?:{_PN_LOCAL}/
PNAME_NS.1: /(?:{_PN_PREFIX})?:/
BLANK_NODE_LABEL: /_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?/
VAR1: /\\?{_VARNAME}/
VAR2: /\\${_VARNAME}/
LANGTAG: /@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*/
DOUBLE.4: /(?:[0-9]+\\.[0-9]*|\\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+/
DECIMAL.3: /[0-9]*\\.[0-9]+/
INTEGER.2: /[0-9]+/
DOUBLE_POSITIVE.4: /\\+(?:[0-9]+\\.[0-9]*|\\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+/
DECIMAL_POSITIVE.3: /\\+[0-9]*\\.[0-9]+/
INTEGER_POSITIVE.2: /\\+[0-9]+/
DOUBLE_NEGATIVE.4: /-(?:[0-9]+\\.[0-9]*|\\.[0-9]+|[0-9]+)[eE][+-]?[0-9]+/
DECIMAL_NEGATIVE.3: /-[0-9]*\\.[0-9]+/
INTEGER_NEGATIVE.2: /-[0-9]+/
STRING_LITERAL_LONG1.2: /'''(?:(?:'|'')?(?:[^'\\\\]|{_ECHAR}|{_UCHAR}))*'''/
STRING_LITERAL_LONG2.2: /\"\"\"(?:(?:\"|\"\")?(?:[^\"\\\\]|{_ECHAR}|{_UCHAR}))*\"\"\"/
STRING_LITERAL1: /'(?:[^'\\\\\\n\\r]|{_ECHAR}|{_UCHAR})*'/
STRING_LITERAL2: /\"(?:[^\"\\\\\\n\\r]|{_ECHAR}|{_UCHAR})*\"/
NIL: /\\([ \\t\\r\\n]*\\)/
ANON: /\\[[ \\t\\r\\n]*\\]/
LBRACE: "{{"
RBRACE: "}}"
LPAR: "("
RPAR: ")"
LSQB: "["
RSQB: "]"
SEMI: ";"
WS: /[ \\t\\r\\n]+/
COMMENT: /#[^\\r\\n]*/
%ignore WS
%ignore COMMENT
"""

# Keywords are case-insensitive (all but 'a'); the named ones are read by the analysis.
_KEYWORDS = """
BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK WHERE FROM NAMED GRAPH DEFAULT ALL SILENT
LOAD CLEAR DROP CREATE ADD MOVE COPY TO INTO INSERT DELETE DATA WITH USING SERVICE
"""

_RULES = r"""
start_query: query
start_update: update

// [2]
query: prologue query_form values_clause
?query_form: select_query | construct_query | construct_where | describe_query | ask_query
// [4]-[6]
prologue: (base_decl | prefix_decl)*
base_decl: BASE IRIREF
prefix_decl: PREFIX PNAME_NS IRIREF
// [7]
select_query: select_clause dataset_clause* where_clause solution_modifier
// [8]
sub_select: select_clause where_clause solution_modifier values_clause
// [9]
select_clause: SELECT ("DISTINCT"i | "REDUCED"i)? (select_item+ | "*")
select_item: var | LPAR expression "AS"i var RPAR
// [10]
construct_query: CONSTRUCT construct_template dataset_clause* where_clause solution_modifier
construct_where: CONSTRUCT dataset_clause* WHERE LBRACE triples_template? RBRACE solution_modifier
// [11]
describe_query: DESCRIBE (var_or_iri+ | "*") dataset_clause* where_clause? solution_modifier
// [12]
ask_query: ASK dataset_clause* where_clause solution_modifier
// [13]-[16]
dataset_clause: FROM (iri | NAMED iri)
// [17]
where_clause: WHERE? group_graph_pattern
// [18]-[27]
solution_modifier: group_clause? having_clause? order_clause? limit_offset_clauses?
group_clause: "GROUP"i "BY"i group_condition+
group_condition: built_in_call | function_call | LPAR expression ("AS"i var)? RPAR | var
having_clause: "HAVING"i constraint+
order_clause: "ORDER"i "BY"i order_condition+
order_condition: ("ASC"i | "DESC"i) bracketted_expression | constraint | var
limit_offset_clauses: limit_clause offset_clause? | offset_clause limit_clause?
limit_clause: "LIMIT"i INTEGER
offset_clause: "OFFSET"i INTEGER
// [28]
values_clause: ("VALUES"i data_block)?

// [29]-[30]: one operation after another, each with its own prologue
update: prologue (update1 (SEMI prologue update1)* (SEMI prologue)?)?
?update1: load | clear | drop | add | move | copy | create
        | insert_data | delete_data | delete_where | modify
// [31]-[37]
load: LOAD SILENT? iri (INTO graph_ref)?
clear: CLEAR SILENT? graph_ref_all
drop: DROP SILENT? graph_ref_all
create: CREATE SILENT? graph_ref
add: ADD SILENT? graph_or_default TO graph_or_default
move: MOVE SILENT? graph_or_default TO graph_or_default
copy: COPY SILENT? graph_or_default TO graph_or_default
// [38]-[40]
insert_data: INSERT DATA quad_data
delete_data: DELETE DATA quad_data
delete_where: DELETE WHERE quad_pattern
// [41]-[44]
modify: with_clause? (delete_clause insert_clause? | insert_clause) using_clause* where_group
with_clause: WITH iri
where_group: WHERE group_graph_pattern
delete_clause: DELETE quad_pattern
insert_clause: INSERT quad_pattern
using_clause: USING (iri | NAMED iri)
// [45]-[47]
graph_or_default: DEFAULT | GRAPH? iri
graph_ref: GRAPH iri
graph_ref_all: graph_ref | DEFAULT | NAMED | ALL
// [48]-[51]
quad_pattern: LBRACE quads RBRACE
quad_data: LBRACE quads RBRACE
quads: triples_template? (quads_not_triples "."? triples_template?)*
quads_not_triples: GRAPH var_or_iri LBRACE triples_template? RBRACE
// [52]
triples_template: triples_same_subject ("." triples_same_subject)* "."?

// [53]-[56]
group_graph_pattern: LBRACE (sub_select | group_graph_pattern_sub) RBRACE
group_graph_pattern_sub: triples_block? (graph_pattern_not_triples "."? triples_block?)*
triples_block: triples_same_subject_path ("." triples_same_subject_path)* "."?
?graph_pattern_not_triples: group_or_union_graph_pattern | optional_graph_pattern
    | minus_graph_pattern | graph_graph_pattern | service_graph_pattern | filter | bind
    | inline_data
// [57]-[61]
optional_graph_pattern: "OPTIONAL"i group_graph_pattern
graph_graph_pattern: GRAPH var_or_iri group_graph_pattern
service_graph_pattern: SERVICE SILENT? var_or_iri group_graph_pattern
bind: "BIND"i LPAR expression "AS"i var RPAR
inline_data: "VALUES"i data_block
// [62]-[65]
data_block: inline_data_one_var | inline_data_full
inline_data_one_var: var LBRACE data_block_value* RBRACE
inline_data_full: (NIL | LPAR var* RPAR) LBRACE (LPAR data_block_value* RPAR | NIL)* RBRACE
data_block_value: iri | rdf_literal | numeric_literal | boolean_literal | "UNDEF"i
// [66]-[69]
minus_graph_pattern: "MINUS"i group_graph_pattern
group_or_union_graph_pattern: group_graph_pattern ("UNION"i group_graph_pattern)*
filter: "FILTER"i constraint
constraint: bracketted_expression | built_in_call | function_call
// [70]-[72]
function_call: iri arg_list
arg_list: NIL | LPAR "DISTINCT"i? expression ("," expression)* RPAR
expression_list: NIL | LPAR expression ("," expression)* RPAR

// [73]-[80]
construct_template: LBRACE construct_triples? RBRACE
construct_triples: triples_same_subject ("." triples_same_subject)* "."?
triples_same_subject: var_or_term property_list_not_empty | triples_node property_list_not_empty?
property_list_not_empty: verb object_list (SEMI (verb object_list)?)*
verb: var_or_iri | "a"
object_list: graph_node ("," graph_node)*
// [81]-[87]
triples_same_subject_path: var_or_term property_list_path_not_empty
    | triples_node_path property_list_path_not_empty?
property_list_path_not_empty: (path | var) object_list_path (SEMI ((path | var) object_list)?)*
object_list_path: graph_node_path ("," graph_node_path)*
// [88]-[96]
path: path_sequence ("|" path_sequence)*
path_sequence: path_elt_or_inverse ("/" path_elt_or_inverse)*
path_elt_or_inverse: inverse? path_primary path_mod?
inverse: "^"
path_mod: "?" | "*" | "+"
path_primary: iri | "a" | "!" path_negated_property_set | LPAR path RPAR
path_negated_property_set: path_one_in_property_set
    | LPAR (path_one_in_property_set ("|" path_one_in_property_set)*)? RPAR
    | NIL
path_one_in_property_set: iri | "a" | "^" iri | "^" "a"
// [98]-[105]
triples_node: collection | blank_node_property_list
blank_node_property_list: LSQB property_list_not_empty RSQB
triples_node_path: collection_path | blank_node_property_list_path
blank_node_property_list_path: LSQB property_list_path_not_empty RSQB
collection: LPAR graph_node+ RPAR
collection_path: LPAR graph_node_path+ RPAR
graph_node: var_or_term | triples_node
graph_node_path: var_or_term | triples_node_path
// [106]-[109]
var_or_term: var | graph_term
?var_or_iri: var | iri
var: VAR1 | VAR2
graph_term: iri | rdf_literal | numeric_literal | boolean_literal | blank_node | NIL

// [110]-[120]
expression: conditional_and_expression ("||" conditional_and_expression)*
conditional_and_expression: relational_expression ("&&" relational_expression)*
relational_expression: additive_expression (comparison additive_expression | membership)?
membership: "IN"i expression_list | "NOT"i "IN"i expression_list
comparison: "=" | "!=" | "<" | ">" | "<=" | ">="
additive_expression: multiplicative_expression (additive_step)*
additive_step: ("+" | "-") multiplicative_expression
    | (numeric_literal_positive | numeric_literal_negative) (("*" | "/") unary_expression)*
multiplicative_expression: unary_expression (("*" | "/") unary_expression)*
unary_expression: unary_operator? primary_expression
unary_operator: "!" | "+" | "-"
primary_expression: bracketted_expression | built_in_call | iri_or_function | rdf_literal
    | numeric_literal | boolean_literal | var
bracketted_expression: LPAR expression RPAR
// [121]-[128]
built_in_call: aggregate
    | BUILTIN_1 LPAR expression RPAR
    | BUILTIN_2 LPAR expression "," expression RPAR
    | BUILTIN_0 NIL
    | "BNODE"i (LPAR expression RPAR | NIL)
    | "CONCAT"i expression_list
    | "COALESCE"i expression_list
    | "IF"i LPAR expression "," expression "," expression RPAR
    | "SUBSTR"i LPAR expression "," expression ("," expression)? RPAR
    | "REGEX"i LPAR expression "," expression ("," expression)? RPAR
    | "REPLACE"i LPAR expression "," expression "," expression ("," expression)? RPAR
    | "BOUND"i LPAR var RPAR
    | "EXISTS"i group_graph_pattern
    | "NOT"i "EXISTS"i group_graph_pattern
aggregate: "COUNT"i LPAR "DISTINCT"i? ("*" | expression) RPAR
    | AGGREGATE_1 LPAR "DISTINCT"i? expression RPAR
    | "GROUP_CONCAT"i LPAR "DISTINCT"i? expression (SEMI "SEPARATOR"i "=" string)? RPAR
iri_or_function: iri arg_list?
// [129]-[138]
rdf_literal: string (LANGTAG | "^^" iri)?
numeric_literal: INTEGER | DECIMAL | DOUBLE | numeric_literal_positive | numeric_literal_negative
numeric_literal_positive: INTEGER_POSITIVE | DECIMAL_POSITIVE | DOUBLE_POSITIVE
numeric_literal_negative: INTEGER_NEGATIVE | DECIMAL_NEGATIVE | DOUBLE_NEGATIVE
boolean_literal: "true"i | "false"i
string: STRING_LITERAL1 | STRING_LITERAL2 | STRING_LITERAL_LONG1 | STRING_LITERAL_LONG2
iri: IRIREF | PNAME_LN | PNAME_NS
blank_node: BLANK_NODE_LABEL | ANON

"""


# [121] the built-in calls by their number of arguments, and [127] the one-argument aggregates
_FUNCTIONS = {
    "BUILTIN_1": "STR LANG DATATYPE IRI URI ABS CEIL FLOOR ROUND STRLEN UCASE LCASE "
                 "ENCODE_FOR_URI YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ MD5 SHA1 "
                 "SHA256 SHA384 SHA512 ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC",
    "BUILTIN_2": "LANGMATCHES CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER STRLANG STRDT SAMETERM",
    "BUILTIN_0": "RAND NOW UUID STRUUID",
    "AGGREGATE_1": "SUM MIN MAX AVG SAMPLE",
}


def _function_terminal(name: str, words: str) -> str:
    """One terminal for a family of function names, each matched as a whole word.

    The lexer takes the first alternative that matches, not the longest, so ``STR`` would
    cut ``STRSTARTS`` short: the longest names come first and none ends inside a word.
    """
    names = sorted(words.split(), key=lambda word: (-len(word), word))
    return f"{name}: /(?:{'|'.join(names)})(?![A-Za-z0-9_])/i"


def grammar() -> str:
    """The grammar text for Lark: rules, keywords and terminals."""
    keywords = "\n".join(f'{word}: "{word}"i' for word in _KEYWORDS.split())
    functions = "\n".join(_function_terminal(name, words) for name, words in _FUNCTIONS.items())
    return _RULES + functions + "\n" + keywords + "\n" + _TERMINALS
