# The CLI socket's client without Node (docs/runtime.md, "The daemon's client without Node";
# docs/architecture.md, "The CLI socket"). bin/claude's sh part runs it as
# `perl client.pl BIN ARGS...` (BIN: bin/claude's real path) when $CLAUDE_DATA_DIR/cli.sock is a
# socket and the command is one bin/client.cjs would hand over. It says and does what
# bin/client.cjs does, frame for frame (common/cli-wire.ts): the arguments, working dir,
# environment, umask and terminal go over the socket; stdout, stderr, raw mode and the exit code
# (or the signal) come back; stdin and signals go on forwarding until the command ends. Perl
# starts in ~5 ms where Node takes ~60, and that is all this file is for.
#
# Two fields of the hello differ, as only Node can say them: no `node` (the worker checks instead
# that the `node` on the client's PATH is its own Node) and `main`, this checkout's
# dist/cli/main.js, in place of `build` (the worker reads its mtime as Node does). Whenever the
# worker does not take the command (another build or Node, another mount namespace, no worker
# yet, no answer), or the socket is not this user's, it has read no stdin and written nothing,
# and it runs `node BIN ARGS...`: bin/claude as without this client (whose Node client asks the
# socket once more, then runs the command itself). Loads Socket, Cwd and, for raw mode only,
# POSIX: all in perl-base.
use strict;
use warnings;
use Socket qw(AF_UNIX SOCK_STREAM pack_sockaddr_un);

my ($bin, @argv) = @ARGV;
my $WIRE_VERSION = 1;
my $ANSWER_S = 10;
my $path = ($ENV{CLAUDE_DATA_DIR} // '/var/lib/claude');
$path = '.' if $path eq '';
$path .= '/cli.sock';

# The command could not be handed over: bin/claude's Node path (CLAUDE_DAEMON=require: exit 70
# with the reason, as bin/client.cjs says it).
sub fall_back {
    my ($why) = @_;
    if (($ENV{CLAUDE_DAEMON} // '') eq 'require') {
        print STDERR "claude: CLAUDE_DAEMON=require, but the CLI socket $path did not take the command: $why\n  hint: start claude serve (or claude reconcile --serve) for this data dir, or unset CLAUDE_DAEMON\n";
        exit 70;
    }
    exec('node', $bin, @argv) or die "claude: cannot run node: $!\n";
}

sub frame { my ($type, $payload) = @_; $payload //= ''; return $type . pack('N', length $payload) . $payload }

# JSON text of a string of bytes (UTF-8 passes through: the worker decodes it as Node would).
sub js {
    my ($s) = @_;
    $s =~ s/([\\"])/\\$1/g;
    $s =~ s/([\x00-\x1f])/sprintf('\\u%04x', ord $1)/ge;
    return qq("$s");
}

my @st = stat $path;
fall_back($! =~ /No such file/ ? 'no such socket' : "$!") unless @st;
fall_back('not a socket') unless -S _;
fall_back("owned by uid $st[4], not this user") if $st[4] != $<;

my $main = ($bin =~ m{^(.*)/[^/]*$} ? $1 : '.') . '/../dist/cli/main.js';
require Cwd;
my $cwd = Cwd::getcwd() // fall_back('no working dir');
my $mnt = readlink('/proc/self/ns/mnt') // '';
my %tty = (stdin => (-t STDIN ? 1 : 0), stdout => (-t STDOUT ? 1 : 0), stderr => (-t STDERR ? 1 : 0));

# The terminal's size (TIOCGWINSZ, as libuv reads it for process.stdout.columns).
sub winsize {
    my $ws = "\0" x 8;
    return ioctl(STDOUT, 0x5413, $ws) ? (unpack('S2', $ws))[1, 0] : ();
}
my @size = $tty{stdout} ? winsize() : ();
my %env = %ENV;
# The terminal this command was typed in, for learning mode (bin/client.cjs says why).
if (!exists $env{CLAUDE_TERMINAL_SESSION}) {
    my $t = $tty{stdin} ? readlink('/proc/self/fd/0') : undef;
    $env{CLAUDE_TERMINAL_SESSION} = defined $t ? $t . '|' . getppid() : '';
}
my $hello = '{"v":' . $WIRE_VERSION . ',"main":' . js($main) . ',"mnt":' . js($mnt) . ',"uid":' . ($< + 0)
  . ',"argv":[' . join(',', map { js($_) } @argv) . '],"cwd":' . js($cwd)
  . ',"env":{' . join(',', map { js($_) . ':' . js($env{$_}) } sort keys %env) . '},"umask":' . (umask() + 0)
  . ',"tty":{"stdin":' . ($tty{stdin} ? 'true' : 'false') . ',"stdout":' . ($tty{stdout} ? 'true' : 'false') . ',"stderr":' . ($tty{stderr} ? 'true' : 'false')
  . (@size ? ',"columns":' . $size[0] . ',"rows":' . $size[1] : '') . '}}';

socket(my $sock, AF_UNIX, SOCK_STREAM, 0) or fall_back("$!");
connect($sock, pack_sockaddr_un($path)) or fall_back($!{ECONNREFUSED} ? 'ECONNREFUSED' : $!{ENOENT} ? 'ENOENT' : "$!");

# Writes all of $bytes; a descriptor left non-blocking by another program (EAGAIN) is waited on.
sub put {
    my ($fh, $bytes) = @_;
    while (length $bytes) {
        my $n = syswrite($fh, $bytes);
        if (!defined $n) {
            next if $!{EINTR};
            if ($!{EAGAIN}) { my $w = ''; vec($w, fileno($fh), 1) = 1; select(undef, $w, undef, undef); next }
            return 0;
        }
        substr($bytes, 0, $n, '');
    }
    return 1;
}
$SIG{PIPE} = 'IGNORE';
put($sock, frame('H', $hello)) or fall_back('closed');

my $state = 'asking';    # → 'running' once the worker accepted and was told to go
my $buf = '';
my ($raw, $saved) = (0);
my $reading = 0;
my @signals = qw(INT TERM HUP QUIT);

sub set_raw {
    my ($on) = @_;
    return unless $tty{stdin} && $raw != $on;
    require POSIX;
    if ($on) {
        # libuv's UV_TTY_MODE_RAW (process.stdin.setRawMode(true))
        $saved = POSIX::Termios->new;
        $saved->getattr(0);
        my $t = POSIX::Termios->new;
        $t->getattr(0);
        $t->setiflag($t->getiflag & ~(POSIX::BRKINT() | POSIX::ICRNL() | POSIX::INPCK() | POSIX::ISTRIP() | POSIX::IXON()));
        $t->setoflag($t->getoflag | 4);    # ONLCR
        $t->setcflag($t->getcflag | POSIX::CS8());
        $t->setlflag($t->getlflag & ~(POSIX::ECHO() | POSIX::ICANON() | POSIX::IEXTEN() | POSIX::ISIG()));
        $t->setcc(POSIX::VMIN(), 1);
        $t->setcc(POSIX::VTIME(), 0);
        $t->setattr(0, POSIX::TCSADRAIN());
    } else {
        $saved->setattr(0, POSIX::TCSADRAIN()) if $saved;
    }
    $raw = $on;
}

sub lost {
    set_raw(0);
    print STDERR "claude: the CLI worker behind $path stopped before the command ended\n  hint: run it again, or without the daemon: CLAUDE_DAEMON=0 claude ...\n";
    exit 70;
}

sub finish {
    my ($json) = @_;
    set_raw(0);
    if ($json =~ /"signal"\s*:\s*"SIG([A-Z0-9]+)"/) {
        my $sig = $1;
        $SIG{$_} = 'DEFAULT' for @signals;
        kill $sig, $$;
        sleep 1;
        require Config;
        no warnings 'once';
        my @names = split ' ', $Config::Config{sig_name};
        my ($n) = grep { $names[$_] eq $sig } 0 .. $#names;
        exit 128 + ($n // 1);
    }
    exit($json =~ /"code"\s*:\s*(\d+)/ ? $1 : 1);
}

# `claude help | head -5`: the reader went away; stop quietly, as the in-process CLI does.
sub out { put($_[0], $_[1]) or ($!{EPIPE} ? exit 0 : die "claude: $!\n") }

sub on_frame {
    my ($type, $payload) = @_;
    if ($state eq 'asking') {
        if ($type eq 'A') {
            $state = 'running';
            for my $s (@signals) { $SIG{$s} = sub { put($sock, frame('S', "SIG$s")) } }
            $SIG{WINCH} = sub { my @s = winsize(); put($sock, frame('W', qq({"columns":$s[0],"rows":$s[1]}))) if @s } if $tty{stdout};
            put($sock, frame('G'));
        } else {
            close $sock;
            fall_back($type eq 'F' ? $payload : "frame $type");
        }
        return;
    }
    if    ($type eq 'O') { out(\*STDOUT, $payload) }
    elsif ($type eq 'R') { out(\*STDERR, $payload) }
    elsif ($type eq 'N') { $reading = 1 }
    elsif ($type eq 'T') { set_raw($payload eq '1' ? 1 : 0) }
    elsif ($type eq 'X') { finish($payload) }
}

my $deadline = time + $ANSWER_S;
for (;;) {
    my $rin = '';
    vec($rin, fileno($sock), 1) = 1;
    vec($rin, 0, 1) = 1 if $reading;
    my $n = select(my $rout = $rin, undef, undef, $state eq 'asking' ? 1 : undef);
    if ($n < 0) { next if $!{EINTR}; die "claude: select: $!\n" }
    if ($n == 0) { fall_back('no answer') if $state eq 'asking' && time >= $deadline; next }
    if (vec($rout, fileno($sock), 1)) {
        my $got = sysread($sock, my $chunk, 65536);
        if (!defined $got) { next if $!{EINTR} || $!{EAGAIN}; $state eq 'asking' ? fall_back($!{ECONNRESET} ? 'ECONNRESET' : "$!") : lost() }
        if ($got == 0) { $state eq 'asking' ? fall_back('closed') : lost() }
        $buf .= $chunk;
        while (length($buf) >= 5) {
            my $len = unpack('N', substr($buf, 1, 4));
            last if length($buf) < 5 + $len;
            my $type = substr($buf, 0, 1);
            my $payload = substr($buf, 5, $len);
            substr($buf, 0, 5 + $len, '');
            on_frame($type, $payload);
        }
    }
    if ($reading && vec($rout, 0, 1)) {
        my $got = sysread(STDIN, my $in, 65536);
        if (!defined $got) { next if $!{EINTR} || $!{EAGAIN}; $got = 0 }
        if ($got == 0) { $reading = 0; put($sock, frame('E')) }
        else { put($sock, frame('I', $in)) }
    }
}
