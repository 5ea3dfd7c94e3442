using System.Diagnostics;
using CsCheck;
using Xunit.Abstractions;

namespace Mlflow.Fuzz.Tests;

/// <summary>
/// Every generated model through the client's parse path with hostile answers (<see cref="ModelFuzz"/>): no
/// exception other than <see cref="MlflowProtocolException"/> (the answer is not JSON), and what parses writes back
/// without loss and stably. Fixed seeds, one thread: the same cases on every run. <c>MLFLOW_FUZZ_CASES</c> sets the
/// number of cases per seed (default 2,500, 4 seeds: 10,000 cases in the test command; <c>MLFLOW_FUZZ_CASES=25000</c>
/// gives the 100,000 cases of a hand run).
/// </summary>
public sealed class ModelFuzzTests(ITestOutputHelper output)
{
    private static readonly int CasesPerSeed = int.TryParse(Environment.GetEnvironmentVariable("MLFLOW_FUZZ_CASES"), out var n) && n > 0 ? n : 2_500;

    /// <summary>The fixed seeds of the test command (CsCheck seed strings).</summary>
    public static TheoryData<string> Seeds() => ["0000000000001", "0000000000002", "0000000000003", "0000000000004"];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Hostile_answers_parse_or_fail_with_the_protocol_exception_and_write_back_without_loss(string seed)
    {
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        var watch = Stopwatch.StartNew();
        ModelFuzz.Cases.Sample(
            fuzz =>
            {
                var outcome = ModelFuzz.Check(fuzz);
                lock (outcomes) outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            },
            seed: seed,
            iter: CasesPerSeed,
            threads: 1);
        output.WriteLine($"seed {seed}: {CasesPerSeed} cases over {ModelFuzz.Models.Length} models in {watch.Elapsed.TotalSeconds:0.0} s; "
            + string.Join(", ", outcomes.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value}")));
        Assert.Equal(CasesPerSeed, outcomes.Values.Sum());
        Assert.True(outcomes.GetValueOrDefault("parsed") > CasesPerSeed / 5, "a fifth of the cases at least should parse (the rest: protocol errors and known cases)");
    }

    [Fact]
    public void Every_generated_model_is_fuzzed()
    {
        Assert.True(ModelFuzz.Models.Length > 400, $"{ModelFuzz.Models.Length} models");
        Assert.All(ModelFuzz.Models, m => Assert.NotNull(m.Factory));
    }
}

/// <summary>Inputs the fuzzing found, kept as regression cases (minimized by CsCheck's shrinking).</summary>
public sealed class ModelFuzzRegressionTests
{
    /// <summary>Found and fixed in the runtime (MlflowJsonParseNode / MlflowJsonParseNodeFactory).</summary>
    public static TheoryData<string, string, string> Fixed() => new()
    {
        // lone surrogate escape in a value: was InvalidOperationException, now MlflowProtocolException
        { "AbortMultipartUpload", """{"upload_id":{"x":"\udc00"}}""", "protocol" },
        // invalid UTF-8 in a member name: was decoded with U+FFFD (another name), now MlflowProtocolException
        { "AbortMultipartUpload", "{\"upload_i\u00e2\u0082d\":\"x\"}", "bytes:7B2275706C6F61645F69E282643A2278227D" },
        // a number beyond double range where a string is declared: was +Infinity, which could not be written back
        { "AbortMultipartUpload", """{"upload_id":1e309,"path":-1e309}""", "parsed" },
        // 4.9e-324 read as decimal 0: now kept as the double
        { "AbortMultipartUpload", """{"upload_id":4.9e-324}""", "parsed" },
        // a whole answer that is a string: was an empty model, now MlflowProtocolException
        { "AbortMultipartUpload", "\"x\"", "protocol" },
        // nesting past the reader's depth (512): MlflowProtocolException, not JsonException
        { "AbortMultipartUpload", "{\"x\":" + new string('[', 600) + new string(']', 600) + "}", "protocol" },
    };

    [Theory]
    [MemberData(nameof(Fixed))]
    public void Found_by_fuzzing_and_fixed(string model, string json, string expected)
    {
        var info = ModelFuzz.Models.Single(m => m.Type.Name == model);
        byte[] body = expected.StartsWith("bytes:", StringComparison.Ordinal) ? Convert.FromHexString(expected["bytes:".Length..]) : System.Text.Encoding.UTF8.GetBytes(json);
        var outcome = ModelFuzz.Check(new FuzzCase(info, body));
        Assert.Equal(expected.StartsWith("bytes:", StringComparison.Ordinal) ? "protocol" : expected, outcome);
    }

    /// <summary>Was an empty message (WireRead.TryModel only saw numbers a double holds); now kept verbatim.</summary>
    [Fact]
    public void A_number_beyond_double_range_where_a_message_is_declared_is_kept()
    {
        var info = ModelFuzz.Models.Single(m => m.Type.Name == "CreateAssessmentResponse");
        Assert.Equal("parsed", ModelFuzz.Check(new FuzzCase(info, """{"assessment":-1e309}"""u8.ToArray())));
    }

    /// <summary>Was an empty message per such item (WireRead.TryModelList did not look at the items); now the list is kept verbatim.</summary>
    [Theory]
    [InlineData("ListGatewayBudgetPoliciesResponse", """{"budget_policies":[null]}""")]
    [InlineData("ListGatewayBudgetPoliciesResponse", """{"budget_policies":[{},7]}""")]
    [InlineData("TraceInfo", """{"request_metadata":["x",{}]}""")]
    public void A_list_item_that_is_not_a_message_is_kept(string model, string json)
    {
        var info = ModelFuzz.Models.Single(m => m.Type.Name == model);
        Assert.Equal("parsed", ModelFuzz.Check(new FuzzCase(info, System.Text.Encoding.UTF8.GetBytes(json))));
    }

    [Fact(Skip = "Kiota: a member named \"\" ({\"\":9223372036854775807} for Assessment) is kept in AdditionalData, and Kiota's JsonSerializationWriter treats the empty key as no name and fails writing it back (InvalidOperationException). MLflow never writes such a member. Routed to the lead.")]
    public void A_member_named_empty_writes_back()
    {
        var info = ModelFuzz.Models.Single(m => m.Type.Name == "Assessment");
        Assert.Equal("parsed", ModelFuzz.Check(new FuzzCase(info, """{"":9223372036854775807}"""u8.ToArray())));
    }

    [Fact(Skip = "Generator/Kiota: a member given twice, once fitting its declared type and once not ({\"path\":\"a\",\"path\":[false,14,{}]}), is kept twice (typed field and AdditionalData) and written back twice; Kiota's JsonSerializationWriter can then fail (InvalidOperationException: cannot write the start of an array without a property name). MLflow never writes duplicate members. Routed to the lead.")]
    public void A_member_given_twice_writes_back()
    {
        var info = ModelFuzz.Models.Single(m => m.Type.Name == "AbortMultipartUpload");
        Assert.Equal("parsed", ModelFuzz.Check(new FuzzCase(info, """{"path":"![x","path":[false,14,{"upload_id":-4.149E-58,"path":"xx"}]}"""u8.ToArray())));
    }
}
