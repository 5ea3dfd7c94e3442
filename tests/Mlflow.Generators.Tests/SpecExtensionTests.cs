using System.Text.Json;
using Microsoft.CodeAnalysis;
using Mlflow.Generators.Model;
using Mlflow.Generators.Parser;
using Mlflow.Generators.Tests.Harness;

namespace Mlflow.Generators.Tests;

/// <summary>
/// The parser reads every <c>x-mlflow-*</c> extension once into typed values; an extension it does not read is
/// reported with its position (MLFG101), one of the wrong type is an error (MLFG002).
/// </summary>
public sealed class SpecExtensionTests
{
    private const string Spec = """
        {"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
         "x-mlflow-wire": {"int64AsString": "numbers or strings", "fieldNames": "snake_case"},
         "paths": {
           "/api/2.0/mlflow/runs/get": {"get": {
             "operationId": "getRun",
             "x-mlflow-since": "1.0.0", "x-mlflow-unreleased": "3.12.0", "x-mlflow-api": "2.0",
             "x-mlflow-server": ["tracking", "deployments"], "x-mlflow-source": "service.proto#MlflowService.getRun",
             "x-mlflow-rpc": "getRun", "x-mlflow-visibility": "PUBLIC", "x-mlflow-copy-of": "getRunTwin",
             "x-mlflow-ajax-mirror": true, "x-mlflow-bare-nonfinite-numbers": true,
             "x-mlflow-pagination": {"tokenParameter": "page_token", "nextTokenField": "next_page_token", "itemsField": "runs", "maxResultsParameter": "max_results"},
             "parameters": [{"name": "run_id", "in": "query", "schema": {"type": "string"}, "x-mlflow-body-field": "run.info.run_id"}],
             "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Run"}}}}}}},
           "/a/{path}": {"get": {
             "operationId": "a",
             "parameters": [{"name": "path", "in": "path", "required": true, "schema": {"type": "string"}, "x-mlflow-allow-slashes": true}],
             "responses": {"200": {"description": "ok"}}}}
         },
         "components": {"schemas": {"Run": {"type": "object", "x-mlflow-proto": "mlflow.Run", "x-mlflow-always-written": ["id"],
           "properties": {"id": {"type": "string"}, "value": {"x-mlflow-wkt": "value", "x-mlflow-oneof": "kind"}}}}}}
        """;

    [Fact]
    public void Every_extension_is_read_into_typed_values()
    {
        var doc = OpenApiParser.Parse("spec.openapi.json", Spec);
        Assert.Empty(doc.Diagnostics);
        Assert.Equal([new WireNote("int64AsString", "numbers or strings"), new WireNote("fieldNames", "snake_case")], doc.WireNotes.Items.ToArray());

        var op = doc.Operations.Items.Single(o => o.OperationId == "getRun").MlflowExtensions;
        Assert.Equal("1.0.0", op.Since);
        Assert.Equal("3.12.0", op.Unreleased);
        Assert.Equal("2.0", op.Api);
        Assert.Equal(["tracking", "deployments"], op.Servers.Items.ToArray());
        Assert.Equal("service.proto#MlflowService.getRun", op.Source);
        Assert.Equal("getRun", op.Rpc);
        Assert.Equal("PUBLIC", op.Visibility);
        Assert.Equal("getRunTwin", op.CopyOf);
        Assert.True(op.AjaxMirror);
        Assert.True(op.BareNonFiniteNumbers);
        Assert.Equal(new PaginationSpec("page_token", "next_page_token", "runs", "max_results"), op.Pagination);
        Assert.Equal("run.info.run_id", doc.Operations.Items.Single(o => o.OperationId == "getRun").Parameters.Items.Single().BodyField);
        Assert.True(doc.Operations.Items.Single(o => o.OperationId == "a").Parameters.Items.Single().AllowSlashes);

        var run = doc.Schemas.Items.Single(s => s.Name == "Run");
        Assert.Equal("mlflow.Run", run.Proto);
        var id = run.Properties.Items.Single(p => p.Name == "id");
        Assert.True(id.AlwaysWritten);
        var value = run.Properties.Items.Single(p => p.Name == "value");
        Assert.Equal(("kind", "value"), (value.OneOf, value.WellKnownType));
    }

    [Fact]
    public void An_operation_without_extensions_has_none()
    {
        var doc = OpenApiParser.Parse("spec.openapi.json", Spec);
        var a = doc.Operations.Items.Single(o => o.OperationId == "a");
        Assert.Same(MlflowOperationExtensions.None, a.MlflowExtensions);
        Assert.Empty(a.MlflowExtensions.Servers);
    }

    [Fact]
    public void An_extension_the_parser_does_not_read_is_reported_where_it_is()
    {
        var spec = Spec.Replace("\"x-mlflow-rpc\": \"getRun\",", "\"x-mlflow-rpc\": \"getRun\",\n \"x-mlflow-retry-hint\": 3,", StringComparison.Ordinal);
        var result = GeneratorHarness.Run(spec);
        Assert.Empty(result.Errors);
        var d = Assert.Single(result.GeneratorDiagnostics, x => x.Id == "MLFG101");
        Assert.Equal(DiagnosticSeverity.Info, d.Severity);
        Assert.Contains("#/paths/~1api~12.0~1mlflow~1runs~1get/get/x-mlflow-retry-hint: x-mlflow-retry-hint is not an extension the generator reads here", d.GetMessage(), StringComparison.Ordinal);
        var line = spec.Split('\n').ToList().FindIndex(l => l.Contains("x-mlflow-retry-hint", StringComparison.Ordinal));
        Assert.Equal(line, d.Location.GetLineSpan().StartLinePosition.Line);

        // A property extension placed on an operation is not read there either.
        var misplaced = OpenApiParser.Parse("spec.openapi.json", Spec.Replace("\"x-mlflow-rpc\": \"getRun\",", "\"x-mlflow-oneof\": \"kind\",", StringComparison.Ordinal));
        Assert.Contains(misplaced.Diagnostics.Items, x => x.Id == "MLFG101" && x.Pointer.EndsWith("/get/x-mlflow-oneof", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\"x-mlflow-ajax-mirror\": true", "\"x-mlflow-ajax-mirror\": \"yes\"", "x-mlflow-ajax-mirror is true or false")]
    [InlineData("\"x-mlflow-server\": [\"tracking\", \"deployments\"]", "\"x-mlflow-server\": [1]", "x-mlflow-server is a string or a list of strings")]
    [InlineData("\"x-mlflow-api\": \"2.0\"", "\"x-mlflow-api\": 2", "x-mlflow-api is a string")]
    [InlineData("\"fieldNames\": \"snake_case\"", "\"fieldNames\": 1", "an x-mlflow-wire note is a string")]
    public void An_extension_of_the_wrong_type_is_an_error_at_its_node(string from, string to, string message)
    {
        var spec = Spec.Replace(from, to, StringComparison.Ordinal);
        var result = GeneratorHarness.Run(spec);
        var d = Assert.Single(result.Errors);
        Assert.Equal("MLFG002", d.Id);
        Assert.Contains(message, d.GetMessage(), StringComparison.Ordinal);
        var line = spec.Split('\n').ToList().FindIndex(l => l.Contains(to, StringComparison.Ordinal));
        Assert.Equal(line, d.Location.GetLineSpan().StartLinePosition.Line);
    }

    [Fact]
    public void The_repository_spec_has_no_extension_the_parser_ignores_and_every_value_is_typed()
    {
        var text = File.ReadAllText(RepoPaths.Spec);
        var doc = OpenApiParser.Parse(RepoPaths.Spec, text);
        Assert.DoesNotContain(doc.Diagnostics.Items, d => d.Id == "MLFG101" || d.Level == DiagnosticLevel.Error);

        // Cross-check the typed values against the JSON itself, operation by operation.
        using var json = JsonDocument.Parse(text);
        var byId = doc.Operations.Items.ToDictionary(o => o.OperationId, o => o.MlflowExtensions);
        var checkedOperations = 0;
        foreach (var path in json.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in path.Value.EnumerateObject())
            {
                if (method.Value.ValueKind != JsonValueKind.Object || !method.Value.TryGetProperty("operationId", out var id))
                {
                    continue;
                }

                var typed = byId[id.GetString()!];
                Assert.Equal(Text(method.Value, "x-mlflow-api"), typed.Api);
                Assert.Equal(Text(method.Value, "x-mlflow-rpc"), typed.Rpc);
                Assert.Equal(Text(method.Value, "x-mlflow-source"), typed.Source);
                Assert.Equal(Text(method.Value, "x-mlflow-visibility"), typed.Visibility);
                Assert.Equal(Text(method.Value, "x-mlflow-unreleased"), typed.Unreleased);
                Assert.Equal(Text(method.Value, "x-mlflow-copy-of"), typed.CopyOf);
                Assert.Equal(method.Value.TryGetProperty("x-mlflow-ajax-mirror", out var mirror) && mirror.GetBoolean(), typed.AjaxMirror);
                Assert.Equal(method.Value.TryGetProperty("x-mlflow-pagination", out _), typed.Pagination != null);
                var servers = method.Value.GetProperty("x-mlflow-server");
                Assert.Equal(servers.ValueKind == JsonValueKind.Array ? servers.EnumerateArray().Select(s => s.GetString()!).ToArray() : [servers.GetString()!], typed.Servers.Items.ToArray());
                checkedOperations++;
            }
        }

        Assert.Equal(doc.Operations.Count, checkedOperations);
        Assert.Equal(json.RootElement.GetProperty("x-mlflow-wire").EnumerateObject().Count(), doc.WireNotes.Count);
        Assert.Equal(
            json.RootElement.GetProperty("components").GetProperty("schemas").EnumerateObject().Count(s => s.Value.TryGetProperty("x-mlflow-proto", out _)),
            doc.Schemas.Items.Count(s => s.Proto != null && !s.Synthesized));
    }

    [Fact]
    public void The_wire_notes_are_in_the_root_clients_remarks()
    {
        var result = GeneratorHarness.Run(Spec);
        var root = result.Files["Mlflow.Client.MlflowApiClient.g.cs"];
        Assert.Contains("<item><term>int64AsString</term><description>numbers or strings</description></item>", root, StringComparison.Ordinal);
        Assert.Contains("<item><term>fieldNames</term><description>snake_case</description></item>", root, StringComparison.Ordinal);
    }

    private static string? Text(JsonElement operation, string name) =>
        operation.TryGetProperty(name, out var value) ? value.GetString() : null;
}
