using System.Text.RegularExpressions;
using Mlflow.TestSupport;
using Xunit;

namespace Mlflow.Spec.Tests;

/// <summary>Every in-scope row of the route catalog has an operation with that method and path.</summary>
public class CatalogCoverageTests
{
    private static readonly string[] OutOfScopeAreas = ["databricks-only", "uc-oss-only"];

    private static string Normalize(string path) => Regex.Replace(path, @"\{[^}]*\}|<[^>]*>", "{}");

    public static IEnumerable<string[]> InScopeRows() =>
        File.ReadLines(Path.Combine(TestPaths.Data, "mlflow-endpoints.tsv")).Skip(1)
            .Where(l => l.Length > 0)
            .Select(l => l.Split('\t'))
            .Where(c => !OutOfScopeAreas.Contains(c[4]));

    [Fact]
    public void Every_in_scope_catalog_row_has_an_operation()
    {
        var spec = SpecIndex.Load();
        var operations = spec.Operations.Select(o => (o.Method, Normalize(o.PathTemplate))).ToHashSet();
        var rows = InScopeRows().ToList();
        var missing = rows.Where(r => !operations.Contains((r[0], Normalize(r[1])))).Select(r => $"{r[0]} {r[1]} ({r[4]})").ToList();
        Assert.True(missing.Count == 0, "catalog rows without an operation:\n" + string.Join("\n", missing));
        // 287 OSS rows (16 of them on the Deployments server) plus the 17 MLflow 3.12 rows.
        Assert.Equal(304, rows.Count);
    }

    [Fact]
    public void Operations_outside_the_catalog_are_only_the_documented_extras()
    {
        var spec = SpecIndex.Load();
        var rows = InScopeRows().Select(r => (r[0], Normalize(r[1]))).ToHashSet();
        var extras = spec.Operations.Where(o => !rows.Contains((o.Method, Normalize(o.PathTemplate)))).Select(o => o.OperationId).ToList();
        Assert.Empty(extras);
    }

    [Fact]
    public void Operation_ids_are_unique_and_every_operation_carries_the_mlflow_extensions()
    {
        var spec = SpecIndex.Load();
        Assert.Equal(spec.Operations.Count, spec.Operations.Select(o => o.OperationId).Distinct().Count());
        foreach (var op in spec.Operations)
        {
            foreach (var ext in new[] { "x-mlflow-since", "x-mlflow-source", "x-mlflow-server", "x-mlflow-api" })
                Assert.True(op.Operation[ext] is not null, $"{op.OperationId} lacks {ext}");
            Assert.True(op.Operation["responses"]?["default"] is not null, $"{op.OperationId} lacks a default (error) response");
            Assert.Single(op.Operation["tags"]!.AsArray());
        }
    }

    [Fact]
    public void Proto_routes_follow_the_conventions()
    {
        var spec = SpecIndex.Load();
        foreach (var op in spec.Operations.Where(o => o.Operation["x-mlflow-rpc"] is not null))
        {
            var rpc = (string)op.Operation["x-mlflow-rpc"]!;
            Assert.StartsWith(rpc.Length > 0 ? rpc[..1] : "", op.OperationId);
            if (op.Method == "GET")
            {
                Assert.Null(op.Operation["requestBody"]);
                foreach (var p in op.Parameters.Where(p => (string?)p["in"] == "query" && (string?)p["schema"]?["type"] == "array"))
                {
                    Assert.Equal("form", (string?)p["style"]);
                    Assert.True((bool?)p["explode"]);
                }
            }
            else if (op.OperationId is not ("uploadArtifact"))
            {
                Assert.NotNull(op.Operation["requestBody"]?["content"]?["application/json"]);
            }
        }
        // DELETE carries a JSON body (MLflow reads DELETE fields from the body).
        var deleteExperimentTag = spec.Operations.Single(o => o.OperationId == "deleteRegisteredModel");
        Assert.Equal("DELETE", deleteExperimentTag.Method);
        Assert.NotNull(deleteExperimentTag.Operation["requestBody"]?["content"]?["application/json"]);
        // int64 fields are integer/int64, or a string holding the number (protobuf's JSON mapping).
        var runInfo = spec.Spec["components"]!["schemas"]!["RunInfo"]!["properties"]!;
        Assert.Equal("integer", (string?)runInfo["start_time"]!["anyOf"]![0]!["type"]);
        Assert.Equal("int64", (string?)runInfo["start_time"]!["anyOf"]![0]!["format"]);
        Assert.Equal("^-?[0-9]+$", (string?)runInfo["start_time"]!["anyOf"]![1]!["pattern"]);
        // Artifact paths may contain slashes.
        var download = spec.Operations.Single(o => o.OperationId == "downloadArtifact");
        Assert.True((bool?)download.Parameters.Single(p => (string?)p["name"] == "artifact_path")["x-mlflow-allow-slashes"]);
    }
}
