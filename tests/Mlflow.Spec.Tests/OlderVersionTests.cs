using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Mlflow.SpecGen;
using Mlflow.TestSupport;
using Xunit;

namespace Mlflow.Spec.Tests;

/// <summary>
/// Regeneration for another MLflow version: the 1.x-style proto set with the 3.11 overlay and catalog builds a
/// valid spec (what is newer than the version is left out, with notes), the generator's fixture of it is up to date,
/// and the API diff against the committed 3.11 spec reports what changed, breaking changes flagged, through the
/// command line too.
/// </summary>
public class OlderVersionTests
{
    private static string Sources => Path.Combine(AppContext.BaseDirectory, "spec-sources");

    private static readonly Lazy<(JsonObject Spec, List<string> Notes)> Older = new(() =>
    {
        var notes = new List<string>();
        var builder = new SpecBuilder(
            ProtoStore.Load(ProtoSourceTests.Protos("mlflow-1x-style"), notes),
            Catalog.Load(Path.Combine(Sources, "mlflow-endpoints.tsv")),
            Overlay.Load(Path.Combine(Sources, "overlay")),
            new SpecOptions(MlflowVersion: "1.30.0"));
        var spec = builder.Build();
        notes.AddRange(builder.Notes);
        return (spec, notes);
    });

    [Fact]
    public void The_older_spec_builds_and_says_what_it_left_out()
    {
        var (spec, notes) = Older.Value;
        Assert.Equal("1.30", (string)spec["info"]!["version"]!);
        Assert.Equal(14, spec["paths"]!.AsObject().Sum(p => p.Value!.AsObject().Count));
        Assert.Empty(spec["webhooks"]!.AsObject());
        Assert.Contains(notes, n => n.Contains("getUser (GET /api/2.0/mlflow/users/get) is newer than MLflow 1.30.0", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("patch of ", StringComparison.Ordinal));
        Assert.Contains(notes, n => n.StartsWith("webhook model_version.created", StringComparison.Ordinal));
        // Every reference resolves: nothing points at a schema the older protos lack.
        var defined = spec["components"]!["schemas"]!.AsObject().Select(s => s.Key).ToHashSet();
        var text = spec.ToJsonString();
        foreach (System.Text.RegularExpressions.Match m in System.Text.RegularExpressions.Regex.Matches(text, "#/components/schemas/([A-Za-z0-9_]+)"))
            Assert.Contains(m.Groups[1].Value, defined);
    }

    [Fact]
    public async Task The_older_spec_loads_with_Microsoft_OpenApi_without_diagnostics()
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Older.Value.Spec.ToJsonString()));
        var result = await OpenApiDocument.LoadAsync(stream, "json", new OpenApiReaderSettings());
        Assert.Empty(result.Diagnostic!.Errors.Select(e => e.ToString()));
        Assert.Empty(result.Diagnostic.Warnings.Select(e => e.ToString()));
        Assert.Empty(result.Document!.Validate(ValidationRuleSet.GetDefaultRuleSet())!.Select(e => e.ToString()));
    }

    [Fact]
    public void The_generator_fixture_is_what_SpecGen_derives_from_the_older_protos()
    {
        var fixture = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "mlflow-1x-style.openapi.json")));
        Assert.True(JsonNode.DeepEquals(Older.Value.Spec, fixture),
            "tests/Mlflow.Generators.Tests/Specs/mlflow-1x-style.openapi.json is stale: regenerate it with " +
            "`dotnet run --project generators/Mlflow.SpecGen -- generate --protos tests/Mlflow.Spec.Tests/Protos/mlflow-1x-style --mlflow-version 1.30.0 --out tests/Mlflow.Generators.Tests/Specs/mlflow-1x-style.openapi.json`");
    }

    [Fact]
    public void The_diff_from_the_older_spec_to_3_11_reports_additions_and_the_breaking_removals()
    {
        var current = SpecIndex.Load().Spec;
        var changes = SpecDiff.Compare(Older.Value.Spec, current);
        Assert.Contains(changes, c => c is { Kind: "removed", Where: "operation GET /api/2.0/mlflow/experiments/list", Breaking: true });
        Assert.Contains(changes, c => c is { Kind: "removed", Where: "schema ListExperimentsResponse", Breaking: true });
        Assert.Contains(changes, c => c is { Kind: "added", Where: "operation POST /api/2.0/mlflow/logged-models/search", Breaking: false });
        Assert.Contains(changes, c => c is { Kind: "enum-added", Where: "enum RunStatus.KILLED", Breaking: false });
        Assert.Contains(changes, c => c is { Kind: "added", Where: "schema RunInfo.run_name", Breaking: false });
        Assert.Contains(changes, c => c is { Kind: "added", Where: "getMetricHistory parameter query:page_token", Breaking: false });
        Assert.Equal(2, changes.Count(c => c.Breaking));

        // The other way round (a downgrade) everything removed is breaking.
        var back = SpecDiff.Compare(current, Older.Value.Spec);
        Assert.Contains(back, c => c is { Kind: "enum-removed", Where: "enum RunStatus.KILLED", Breaking: true });
        Assert.Contains(back, c => c is { Kind: "removed", Where: "schema RunInfo.run_name", Breaking: true });
        Assert.True(back.Count(c => c.Breaking) > 800);

        var markdown = SpecDiff.ToMarkdown(changes, "old.json", "new.json");
        Assert.Contains("| Operations | 290 | 1 | 0 | 1 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| removed | `operation GET /api/2.0/mlflow/experiments/list` | **yes** |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void SpecDiff_sees_types_as_the_client_does()
    {
        var spec = SpecIndex.Load().Spec;
        var changed = spec.DeepClone().AsObject();
        var metric = changed["components"]!["schemas"]!["Metric"]!["properties"]!.AsObject();
        metric["value"] = new JsonObject { ["type"] = "number", ["format"] = "double" };               // the wire strings dropped: same type
        metric["step"] = new JsonObject { ["type"] = new JsonArray("integer", "null"), ["format"] = "int64" }; // null added: listed, not breaking
        metric["key"] = new JsonObject { ["type"] = "integer" };                                        // retyped: breaking
        changed["components"]!["schemas"]!["RunStatus"]!["enum"]!.AsArray().Add("PAUSED");
        var changes = SpecDiff.Compare(spec, changed);
        Assert.DoesNotContain(changes, c => c.Where == "schema Metric.value");
        Assert.Contains(changes, c => c is { Kind: "nullable", Where: "schema Metric.step", Breaking: false });
        Assert.Contains(changes, c => c is { Kind: "retyped", Where: "schema Metric.key", Breaking: true, Detail: "string → integer" });
        Assert.Contains(changes, c => c is { Kind: "enum-added", Where: "enum RunStatus.PAUSED", Breaking: false });
    }

    [Fact]
    public void The_command_line_extracts_generates_and_diffs()
    {
        var work = Directory.CreateTempSubdirectory("specgen-cli-");
        try
        {
            var dump = Path.Combine(work.FullName, "protos.json");
            var (code, output) = SpecGen("extract", "--protos", ProtoSourceTests.Protos("mlflow-3x-style"), "--out", dump);
            Assert.True(code == 0, output);
            Assert.Contains("8 files, 14 RPCs", output, StringComparison.Ordinal);

            var fromFolder = Path.Combine(work.FullName, "a.json");
            var fromDump = Path.Combine(work.FullName, "b.json");
            var overlay = Path.Combine(work.FullName, "overlay");
            Directory.CreateDirectory(overlay);
            (code, output) = SpecGen("generate", "--protos", ProtoSourceTests.Protos("mlflow-3x-style"), "--catalog", "none", "--overlay", overlay, "--out", fromFolder);
            Assert.True(code == 0, output);
            (code, output) = SpecGen("generate", "--protos", dump, "--catalog", "none", "--overlay", overlay, "--out", fromDump);
            Assert.True(code == 0, output);
            Assert.Equal(File.ReadAllText(fromFolder), File.ReadAllText(fromDump));

            var older = Path.Combine(AppContext.BaseDirectory, "fixtures", "mlflow-1x-style.openapi.json");
            (code, output) = SpecGen("diff", older, TestPaths.Spec);
            Assert.True(code == 0, output); // breaking changes do not fail without --fail-on-breaking
            Assert.Contains("BREAKING removed      operation GET /api/2.0/mlflow/experiments/list", output, StringComparison.Ordinal);
            var report = Path.Combine(work.FullName, "diff.md");
            (code, output) = SpecGen("diff", older, TestPaths.Spec, "--format", "markdown", "--fail-on-breaking", "--out", report);
            Assert.Equal(3, code);
            Assert.StartsWith("# API diff", File.ReadAllText(report), StringComparison.Ordinal);
            (code, _) = SpecGen("diff", TestPaths.Spec, TestPaths.Spec, "--fail-on-breaking");
            Assert.Equal(0, code);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static (int Code, string Output) SpecGen(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Mlflow.SpecGen.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
