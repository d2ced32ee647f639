"""Operations in openapi.json that the generated client cannot express.

Maps each operationId to the dotted path of the callable implementing it by hand.
``tests/generated/test_generated_coverage.py`` checks that every entry resolves and that,
together with ``generated/``, every operation in openapi.json is reachable.
"""

HANDWRITTEN_OPERATIONS: dict[str, str] = {
    # The generator only knows the eight classic HTTP methods, not QUERY.
    "models.search": "replicate.model.Models.search",
}
