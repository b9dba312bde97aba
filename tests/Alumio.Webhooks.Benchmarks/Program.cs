using Alumio.Webhooks.Benchmarks;
using BenchmarkDotNet.Running;

// `stream-xml` runs the 1 GiB incremental XML check; anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "profile-xml")
{
    ProfileXml.Run(args.Length > 1 ? args[1] : null);
    ProfileXml.Report();
    return 0;
}

if (args.Length > 0 && args[0] == "profile-json")
{
    await ProfileJson.RunAsync();
    return 0;
}

if (args.Length > 0 && args[0] == "profile-secrets")
{
    ProfileSecrets.Run();
    return 0;
}

if (args.Length > 0 && args[0] == "count")
{
    await CountItems.RunAsync();
    return 0;
}

if (args.Length > 0 && args[0] == "stream-xml")
{
    return await StreamXmlCheck.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Inputs).Assembly).Run(args);
return 0;
