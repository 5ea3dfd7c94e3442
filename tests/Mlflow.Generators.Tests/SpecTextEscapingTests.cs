using Mlflow.Generators.Tests.Harness;

namespace Mlflow.Generators.Tests;

/// <summary>
/// Spec text lands in C# string literals and XML doc comments. Characters that end a C# line (U+0085, U+2028,
/// U+2029, besides CR and LF), quotes and control characters must not break the generated code.
/// </summary>
public sealed class SpecTextEscapingTests
{
    [Theory]
    [InlineData("\\u2028")]
    [InlineData("\\u2029")]
    [InlineData("\\u0085")]
    [InlineData("\\r\\n")]
    [InlineData("\\u0001\\\"\\\\")]
    public void Awkward_characters_in_names_values_and_descriptions_compile(string odd)
    {
        var spec = """
            {"openapi": "3.1.0", "info": {"title": "t ODD", "version": "1"},
             "x-mlflow-wire": {"note": "a ODD b"},
             "paths": {"/api/x": {"get": {"operationId": "getX", "summary": "Gets ODD x", "description": "line ODD next",
               "parameters": [{"name": "q", "in": "query", "description": "the ODD query", "schema": {"type": "string"}}],
               "responses": {"200": {"description": "ok ODD", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/X"}}}}}}}},
             "components": {"schemas": {
               "X": {"type": "object", "description": "An ODD thing", "example": {"a ODD b": "v ODD w", "state": "ODD"},
                 "properties": {"a ODD b": {"type": "string", "description": "field ODD doc"}, "state": {"$ref": "#/components/schemas/State"}}},
               "State": {"type": "string", "description": "states ODD", "enum": ["ODD", "OK"]}}}}
            """.Replace("ODD", odd, StringComparison.Ordinal);
        var result = GeneratorHarness.Run(spec);
        Assert.Empty(result.Errors);
        result.AssertCleanCompile();
    }
}
