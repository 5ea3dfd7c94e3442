using Microsoft.Extensions.DependencyInjection;
using Mlflow.Artifacts;
using Mlflow.Artifacts.Azure;
using Mlflow.Artifacts.S3;

namespace Mlflow.Artifacts.Tests;

public sealed class PathAndUriTests
{
    [Theory]
    [InlineData("a.txt", "a.txt")]
    [InlineData("dir/a b.txt", "dir/a b.txt")]
    [InlineData("dir/", "dir")]
    [InlineData("hash#1.txt", "hash#1.txt")]
    [InlineData("q?x=1.txt", "q?x=1.txt")]
    [InlineData("pct%41.txt", "pct%41.txt")]
    [InlineData("ünï/cödé ✓.txt", "ünï/cödé ✓.txt")]
    public void Valid_paths_are_kept_as_they_are(string path, string expected) =>
        Assert.Equal(expected, ArtifactPath.Normalize(path, "p"));

    [Theory]
    [InlineData("../escape.txt", "'..'")]
    [InlineData("a/../b.txt", "'..'")]
    [InlineData("./a.txt", "'.'")]
    [InlineData("/abs.txt", "absolute")]
    [InlineData("a//b.txt", "empty segments")]
    [InlineData("a\\b.txt", "'\\'")]
    [InlineData("bell\a.txt", "control")]
    public void Unsafe_paths_are_refused_with_the_reason(string path, string reason)
    {
        var error = Assert.Throws<ArgumentException>(() => ArtifactPath.Normalize(path, "artifactPath"));
        Assert.Equal("artifactPath", error.ParamName);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Segments_are_percent_encoded_one_by_one() =>
        Assert.Equal("a%20b/%231%3F%25%2B%22.txt/%C3%BC", ArtifactPath.Encode("a b/#1?%+\".txt/ü"));

    [Theory]
    // MLflow's server decodes again and rebuilds the path as a URL: these are what it stores (validate_path_is_safe).
    [InlineData("1/r/artifacts/pct%41.txt", "1/r/artifacts/pctA.txt")]
    [InlineData("1/r/artifacts/a?", "1/r/artifacts/a")]
    [InlineData("1/r/artifacts/a;", "1/r/artifacts/a")]
    [InlineData("Note:1.txt", "note:1.txt")]
    [InlineData("1/r/artifacts/q?x=1.txt", "1/r/artifacts/q?x=1.txt")]
    [InlineData("1/r/artifacts/100%.txt", "1/r/artifacts/100%.txt")]
    [InlineData("1/r/artifacts/a+b 'c'.txt", "1/r/artifacts/a+b 'c'.txt")]
    public void The_server_rule_matches_mlflow(string sent, string stored) => Assert.Equal(stored, MlflowPathRules.Validate(sent));

    [Theory]
    [InlineData("1/r/artifacts/hash#1.txt")]
    [InlineData("1/r/../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("1/r/%2E%2E/x")]
    [InlineData("C:/x")]
    public void The_server_rule_refuses_what_mlflow_refuses(string sent) => Assert.Null(MlflowPathRules.Validate(sent));

    [Fact]
    public void Proxy_problems_name_what_mlflow_would_do()
    {
        Assert.Contains("'#'", ArtifactPath.ProxyProblem("1/r/hash#1.txt"), StringComparison.Ordinal);
        Assert.Contains("pctA.txt", ArtifactPath.ProxyProblem("1/r/pct%41.txt"), StringComparison.Ordinal);
        Assert.Null(ArtifactPath.ProxyProblem("1/r/q?x=1.txt"));
    }

    [Fact]
    public void Runs_uris()
    {
        var uri = ArtifactUri.Parse("runs:/abc123/model/MLmodel");
        Assert.Equal(ArtifactUriKind.Run, uri.Kind);
        Assert.Equal("abc123", uri.RunId);
        Assert.Equal("model/MLmodel", uri.Path);
        Assert.Equal("", ArtifactUri.Parse("runs:/abc123").Path);
        Assert.Equal("dir", ArtifactUri.Parse("runs:/abc123/dir/").Path);
        Assert.Equal("my file#1.txt", ArtifactUri.Parse("runs:/abc/my file#1.txt").Path); // literal, as MLflow
    }

    [Fact]
    public void Models_uris()
    {
        var version = ArtifactUri.Parse("models:/churn/3");
        Assert.Equal((ArtifactUriKind.RegisteredModel, "churn", "3", null), (version.Kind, version.ModelName, version.ModelVersion, version.ModelStage));
        var stage = ArtifactUri.Parse("models:/churn/Production");
        Assert.Equal("Production", stage.ModelStage);
        Assert.True(ArtifactUri.Parse("models:/churn/latest").IsLatestModelVersion);
        var alias = ArtifactUri.Parse("models:/churn@champion/MLmodel");
        Assert.Equal(("churn", "champion", "MLmodel"), (alias.ModelName, alias.ModelAlias, alias.Path));
        var withPath = ArtifactUri.Parse("models:/churn/3/data/model.pkl");
        Assert.Equal(("3", "data/model.pkl"), (withPath.ModelVersion, withPath.Path));
        var logged = ArtifactUri.Parse("models:/m-dd88bcaba9d741c29d63b10e8610a629");
        Assert.Equal((ArtifactUriKind.LoggedModel, "m-dd88bcaba9d741c29d63b10e8610a629"), (logged.Kind, logged.ModelId));
    }

    [Fact]
    public void Store_proxy_and_local_uris()
    {
        Assert.Equal(ArtifactUriKind.MlflowArtifacts, ArtifactUri.Parse("mlflow-artifacts:/1/abc/artifacts").Kind);
        Assert.Equal(ArtifactUriKind.MlflowArtifacts, ArtifactUri.Parse("mlflow-artifacts://localhost:5000/1/abc").Kind);
        Assert.Equal(ArtifactUriKind.Http, ArtifactUri.Parse("http://host:5000/api/2.0/mlflow-artifacts/artifacts/1").Kind);
        var s3 = ArtifactUri.Parse("s3://bucket/prefix/x");
        Assert.Equal((ArtifactUriKind.Store, "s3"), (s3.Kind, s3.Scheme));
        Assert.Equal("/tmp/a b", ArtifactUri.Parse("file:///tmp/a%20b").LocalPath);
        Assert.Equal("/tmp/x", ArtifactUri.Parse("file:/tmp/x").LocalPath);
        Assert.Equal(ArtifactUriKind.Local, ArtifactUri.Parse("relative/dir").Kind);
        ArtifactUri implicitUri = "runs:/r1/x";
        Assert.Equal("r1", implicitUri.RunId);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("runs:", "runs:/<run_id>")]
    [InlineData("runs:/", "runs:/<run_id>")]
    [InlineData("runs://profile/abc", "runs:/<run_id>")]
    [InlineData("runs:/abc/../x", "'..'")]
    [InlineData("models:/", "models:/<name>")]
    [InlineData("models:/name@", "models:/<name>@<alias>")]
    [InlineData("models://profile/name/1", "not supported")]
    [InlineData("mlflow-artifacts:relative", "mlflow-artifacts:/<path>")]
    [InlineData("mlflow-artifacts://:5000/x", "a port needs a host")]
    [InlineData("file://remote-host/share/x", "Only local files")]
    public void Malformed_uris_say_what_was_expected(string uri, string expected)
    {
        var error = Assert.Throws<FormatException>(() => ArtifactUri.Parse(uri));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.False(ArtifactUri.TryParse(uri, out _));
    }

    [Fact]
    public void Unknown_schemes_name_the_package_or_say_there_is_none()
    {
        var registry = new ArtifactRepositoryRegistry();
        var gs = Assert.Throws<UnsupportedArtifactStoreException>(() => registry.GetProvider("gs://bucket/x"));
        Assert.Contains("Google Cloud Storage", gs.Message, StringComparison.Ordinal);
        Assert.Equal("gs", gs.Scheme);
        var hdfs = Assert.Throws<UnsupportedArtifactStoreException>(() => registry.GetProvider("hdfs://nn/x"));
        Assert.Contains("no store", hdfs.Message, StringComparison.Ordinal);
        // The store packages are referenced by this test project: they are found without registration.
        Assert.Equal("S3ArtifactRepositoryProvider", registry.GetProvider("s3://bucket/x").GetType().Name);
        Assert.Equal("AzureBlobArtifactRepositoryProvider", registry.GetProvider("wasbs://c@a.blob.core.windows.net/x").GetType().Name);
    }

    [Fact]
    public void Stores_register_through_dependency_injection_and_options()
    {
        var services = new ServiceCollection();
        services.AddMlflowClient(o =>
        {
            o.TrackingUri = "http://127.0.0.1:5000";
            o.EnvironmentSource = MlflowEnvironment.Empty;
            o.Artifacts.MaxConcurrency = 3;
        });
        services.AddMlflowS3Artifacts(o => o.EndpointUrl = "http://127.0.0.1:9");
        services.AddMlflowAzureArtifacts();
        using var provider = services.BuildServiceProvider();
        using var client = provider.GetRequiredService<MlflowClient>();
        Assert.Equal(3, client.Settings.Artifacts.MaxConcurrency);
        Assert.Equal(["AzureBlobArtifactRepositoryProvider", "S3ArtifactRepositoryProvider"], client.Settings.Artifacts.Repositories.Select(r => r.GetType().Name).Order());
        Assert.Equal(["abfs", "abfss", "file", "http", "https", "mlflow-artifacts", "s3", "wasb", "wasbs"], client.ArtifactRepositories.Schemes);
    }

    [Fact]
    public void Artifact_settings_come_from_mlflow_variables()
    {
        var settings = MlflowArtifactSettings.Resolve(null, MlflowEnvironment.FromDictionary(new Dictionary<string, string?>
        {
            ["MLFLOW_ENABLE_PROXY_MULTIPART_UPLOAD"] = "true",
            ["MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE"] = "1048576",
            ["MLFLOW_MULTIPART_UPLOAD_MINIMUM_FILE_SIZE"] = "2097152",
        }));
        Assert.Equal((true, 1048576L, 2097152L), (settings.ProxyMultipartUpload, settings.MultipartUploadChunkSize, settings.MultipartUploadMinimumFileSize));
        Assert.Equal((false, 10L * 1024 * 1024, 500L * 1024 * 1024), (MlflowArtifactSettings.Default.ProxyMultipartUpload, MlflowArtifactSettings.Default.MultipartUploadChunkSize, MlflowArtifactSettings.Default.MultipartUploadMinimumFileSize));
        var bad = Assert.Throws<MlflowConfigurationException>(() => MlflowArtifactSettings.Resolve(null, MlflowEnvironment.FromDictionary(new Dictionary<string, string?> { ["MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE"] = "10MB" })));
        Assert.Contains("MLFLOW_MULTIPART_UPLOAD_CHUNK_SIZE", bad.Message, StringComparison.Ordinal);
    }
}
