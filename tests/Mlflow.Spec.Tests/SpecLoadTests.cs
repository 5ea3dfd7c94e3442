using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;
using Mlflow.TestSupport;
using Xunit;

namespace Mlflow.Spec.Tests;

/// <summary>The spec loads with Microsoft.OpenApi without errors or warnings and validates with its default rules.</summary>
public class SpecLoadTests
{
    [Fact]
    public async Task Spec_loads_with_Microsoft_OpenApi_without_errors_or_warnings()
    {
        await using var stream = File.OpenRead(TestPaths.Spec);
        var settings = new OpenApiReaderSettings();
        var result = await OpenApiDocument.LoadAsync(stream, "json", settings);
        Assert.NotNull(result.Document);
        Assert.Empty(result.Diagnostic!.Errors.Select(e => e.ToString()));
        Assert.Empty(result.Diagnostic.Warnings.Select(e => e.ToString()));
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, result.Diagnostic.SpecificationVersion);

        var validationErrors = result.Document!.Validate(ValidationRuleSet.GetDefaultRuleSet())!.Select(e => e.ToString()).ToList();
        Assert.Empty(validationErrors);
        Assert.Equal(15, result.Document.Webhooks!.Count);
    }
}
