using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text;
using Mlflow.TestSupport;

namespace Mlflow.Packaging.Tests;

/// <summary>
/// What every shipped package carries (issue 17, items 1, 2 and 4): metadata, README, icon, symbols with embedded
/// sources, no machine path in any file, and the trim/AOT flag where promised. The set of packages is whatever
/// src/**/*.csproj packs, so a new package is checked as soon as it exists.
/// </summary>
[Collection(PackagesCollection.Name)]
public sealed class PackageContentTests(PackedPackages packed)
{
    /// <summary>The packages whose assemblies are trim- and AOT-compatible (IsAotCompatible in their project).</summary>
    private static readonly string[] TrimmablePackages = ["Mlflow.Client", "Mlflow.Deployments", "Mlflow.Webhooks"];

    [Fact]
    public void Every_shipped_project_produced_a_package_and_a_symbol_package()
    {
        var expected = PackedPackages.ShippedProjects().Select(p => p.PackageId).ToArray();

        Assert.NotEmpty(expected);
        Assert.Equal(expected, packed.Packages.Select(p => p.Id).Order(StringComparer.Ordinal));
        Assert.All(packed.Packages, p => Assert.NotNull(p.SymbolsPath));
        Assert.All(packed.Packages, p => Assert.Contains($"lib/net10.0/{p.Id}.dll", p.Files));
        Assert.All(packed.Packages, p => Assert.Contains($"lib/net10.0/{p.Id}.xml", p.Files));
        Assert.All(packed.Packages, p => Assert.Contains($"lib/net10.0/{p.Id}.pdb", p.SymbolFiles));
        Assert.All(packed.Packages, p => Assert.DoesNotContain(p.Files, f => f.EndsWith(".pdb", StringComparison.Ordinal)));
    }

    [Fact]
    public void Every_package_has_the_nuget_metadata()
    {
        foreach (var package in packed.Packages)
        {
            var what = package.Id;
            Assert.False(string.IsNullOrWhiteSpace(package.Metadata("description")), what);
            Assert.False(string.IsNullOrWhiteSpace(package.Metadata("authors")), what);
            Assert.Equal("Apache-2.0", package.Metadata("license"));
            Assert.Equal("expression", (string?)package.MetadataElement("license")!.Attribute("type"));
            Assert.Equal("icon.png", package.Metadata("icon"));
            Assert.Contains("icon.png", package.Files);
            Assert.Equal("README.md", package.Metadata("readme"));
            Assert.Contains("README.md", package.Files);
            Assert.StartsWith("https://", package.Metadata("projectUrl"));
            var repository = package.MetadataElement("repository");
            Assert.NotNull(repository);
            Assert.Equal(package.Metadata("projectUrl"), (string?)repository!.Attribute("url"));
            Assert.Equal("git", (string?)repository.Attribute("type"));
            Assert.Contains("mlflow", package.Metadata("tags")!.Split(' '));
            Assert.Contains(package.Metadata("version")!, File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "CHANGELOG.md")));
            Assert.False(string.IsNullOrWhiteSpace(package.Metadata("releaseNotes")), what);
            Assert.Contains("CHANGELOG.md", package.Metadata("releaseNotes"));
        }
    }

    [Fact]
    public void The_release_notes_are_the_changelog_section_of_the_version()
    {
        var client = packed["Mlflow.Client"];
        var changelog = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "CHANGELOG.md")).ReplaceLineEndings("\n");
        var heading = changelog.IndexOf($"## {client.Version}", StringComparison.Ordinal);
        Assert.True(heading >= 0, $"CHANGELOG.md has no section for {client.Version}");
        var firstLine = changelog[(changelog.IndexOf('\n', heading) + 1)..].TrimStart('\n').Split('\n')[0];

        Assert.StartsWith(firstLine, client.Metadata("releaseNotes")!.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Every_readme_says_what_the_package_is_for_shows_an_example_and_links_the_repository()
    {
        foreach (var package in packed.Packages)
        {
            var readme = Encoding.UTF8.GetString(package.Read("README.md"));
            Assert.StartsWith("# ", readme);
            Assert.Contains("```csharp", readme);
            Assert.Contains(package.Metadata("projectUrl")!, readme);
        }
    }

    [Fact]
    public void The_icon_is_a_png()
    {
        var icon = packed.Packages[0].Read("icon.png");
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, icon[..4]);
    }

    [Fact]
    public void No_machine_path_reaches_a_packed_file()
    {
        var root = Path.TrimEndingDirectorySeparator(TestPaths.RepoRoot);
        var home = Path.TrimEndingDirectorySeparator(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
        var needles = new[] { root, home, packed.Root }.Where(n => n.Length > 1).Distinct().ToArray();
        foreach (var package in packed.Packages)
        {
            foreach (var (entry, symbols) in package.Files.Select(f => (f, false)).Concat(package.SymbolFiles.Select(f => (f, true))))
            {
                var bytes = package.Read(entry, symbols);
                foreach (var needle in needles)
                {
                    Assert.False(Contains(bytes, Encoding.UTF8.GetBytes(needle)), $"{package.Id}: {entry} holds the machine path {needle} (UTF-8)");
                    Assert.False(Contains(bytes, Encoding.Unicode.GetBytes(needle)), $"{package.Id}: {entry} holds the machine path {needle} (UTF-16)");
                }
            }
        }
    }

    [Fact]
    public void Dlls_are_deterministic_and_point_at_a_mapped_pdb_path()
    {
        foreach (var package in packed.Packages)
        {
            using var pe = new PEReader(new MemoryStream(package.Read($"lib/net10.0/{package.Id}.dll")));
            var entries = pe.ReadDebugDirectory();
            Assert.Contains(entries, e => e.Type == DebugDirectoryEntryType.Reproducible);
            var codeView = pe.ReadCodeViewDebugDirectoryData(entries.First(e => e.Type == DebugDirectoryEntryType.CodeView));
            Assert.StartsWith("/_/", codeView.Path);
        }
    }

    [Fact]
    public void Pdbs_are_portable_with_mapped_document_paths_and_every_source_embedded()
    {
        var embeddedSource = new Guid("0E8A571B-6926-466E-B4AD-8AB04611F5FE");
        foreach (var package in packed.Packages)
        {
            using var provider = MetadataReaderProvider.FromPortablePdbStream(new MemoryStream(package.Read($"lib/net10.0/{package.Id}.pdb", symbols: true)));
            var pdb = provider.GetMetadataReader();
            var embedded = pdb.CustomDebugInformation.Select(pdb.GetCustomDebugInformation)
                .Where(c => pdb.GetGuid(c.Kind) == embeddedSource && c.Parent.Kind == HandleKind.Document)
                .Select(c => (DocumentHandle)c.Parent).ToHashSet();
            Assert.NotEmpty(pdb.Documents);
            foreach (var handle in pdb.Documents)
            {
                var name = pdb.GetString(pdb.GetDocument(handle).Name);
                Assert.True(name.StartsWith("/_/", StringComparison.Ordinal), $"{package.Id}: PDB document {name} is not mapped to /_/");
                Assert.True(embedded.Contains(handle), $"{package.Id}: PDB document {name} has no embedded source");
            }
        }
    }

    [Fact]
    public void Trim_and_AOT_compatible_packages_say_so_in_their_assemblies()
    {
        foreach (var id in TrimmablePackages)
        {
            using var pe = new PEReader(new MemoryStream(packed[id].Read($"lib/net10.0/{id}.dll")));
            var reader = pe.GetMetadataReader();
            var metadata = reader.GetAssemblyDefinition().GetCustomAttributes().Select(reader.GetCustomAttribute)
                .Where(a => AttributeName(reader, a) == "AssemblyMetadataAttribute")
                .Select(a => a.DecodeValue(new StringOnlyDecoder()))
                .Select(v => ((string?)v.FixedArguments[0].Value, (string?)v.FixedArguments[1].Value))
                .ToArray();
            Assert.Contains(("IsTrimmable", "True"), metadata);
        }
    }

    [Fact]
    public void The_deployments_package_turns_plugin_discovery_off_in_trimmed_publishes()
    {
        var targets = Encoding.UTF8.GetString(packed["Mlflow.Deployments"].Read("buildTransitive/Mlflow.Deployments.targets"));
        Assert.Contains("Mlflow.Deployments.PluginDiscovery.IsSupported", targets);
        Assert.Contains("PublishTrimmed", targets);
    }

    [Fact]
    public void Pack_ran_package_validation()
    {
        // EnablePackageValidation runs ApiCompat's package validation in the Pack target; it prints nothing when it passes.
        foreach (var (project, _) in PackedPackages.ShippedProjects())
        {
            var result = Dotnet.Run(TestPaths.RepoRoot, TimeSpan.FromMinutes(2), "msbuild", project, "-nologo", "-getProperty:EnablePackageValidation");
            Assert.Equal("true", result.AssertSuccess("msbuild -getProperty").Output.Trim());
        }

        Assert.DoesNotContain("error", packed.PackOutput, StringComparison.OrdinalIgnoreCase);
    }

    private static string AttributeName(MetadataReader reader, CustomAttribute attribute) => attribute.Constructor.Kind switch
    {
        HandleKind.MemberReference => reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor).Parent is var parent && parent.Kind == HandleKind.TypeReference
            ? reader.GetString(reader.GetTypeReference((TypeReferenceHandle)parent).Name)
            : "",
        _ => "",
    };

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    /// <summary>Decodes attribute arguments of type string (all AssemblyMetadataAttribute has).</summary>
    private sealed class StringOnlyDecoder : ICustomAttributeTypeProvider<Type>
    {
        public Type GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode == PrimitiveTypeCode.String ? typeof(string) : typeof(object);
        public Type GetSystemType() => typeof(Type);
        public Type GetSZArrayType(Type elementType) => elementType.MakeArrayType();
        public Type GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind) => typeof(object);
        public Type GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind) => typeof(object);
        public Type GetTypeFromSerializedName(string name) => typeof(object);
        public PrimitiveTypeCode GetUnderlyingEnumType(Type type) => PrimitiveTypeCode.Int32;
        public bool IsSystemType(Type type) => type == typeof(Type);
    }
}
