using System.Net;
using System.Net.Sockets;

namespace Alumio.Webhooks.AspNetCore.Tests.Support;

public static class LoopbackPort
{
    /// <summary>Finds a free TCP port on 127.0.0.1 for a Kestrel server that must know its own address before it starts.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
