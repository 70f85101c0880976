#!/usr/bin/env perl
# A small Chrome DevTools Protocol client for the browser tests
# (cgi_browser_use.t): runs Chromium headless with --remote-debugging-pipe
# and drives one page with real input events, reading one command a line
# from standard input and printing one line per command:
#
#   goto URL        load URL                          -> "loaded" | "error: ..."
#   eval EXPR       evaluate EXPR in the page          -> its value as JSON
#   key NAME        press Tab, Shift+Tab or Enter      -> "ok"
#   type TEXT       type TEXT where the focus is       -> "ok"
#   click EXPR      click the middle of element EXPR's first box  -> "ok" | "error: no element"
#   waitload        wait for the page a click or key loaded -> "loaded" | "error: ..."
#   waitfor EXPR    wait until EXPR is true (autofocus, for one, comes after
#                   the load event)                   -> "ok" | "error: ..."
#
# Usage: cgi_browser_cdp.pl CHROMIUM PROFILE-DIR WIDTH HEIGHT < commands
# WIDTH x HEIGHT is the viewport, as a phone's (mobile: the viewport meta
# tag applies). Expressions run with the page's content security policy
# bypassed; the page itself never runs a script.
use strict;
use warnings;
use JSON::PP;
use IO::Select;
use POSIX ();

my ($chromium, $profile, $width, $height) = @ARGV;
die "usage: $0 CHROMIUM PROFILE-DIR WIDTH HEIGHT\n" unless defined $height;
my $TIMEOUT = 20;    # seconds a command may wait for the browser
my $json = JSON::PP->new->canonical->allow_nonref;

$^F = 255;    # the pipes stay open across exec: Chromium reads fd 3, writes fd 4
pipe(my $cmd_r, my $cmd_w) or die "pipe: $!";
pipe(my $ans_r, my $ans_w) or die "pipe: $!";
my $pid = fork() // die "fork: $!";
if ($pid == 0) {
    POSIX::dup2(fileno($cmd_r), 3) unless fileno($cmd_r) == 3;
    POSIX::dup2(fileno($ans_w), 4) unless fileno($ans_w) == 4;
    open(STDIN, '<', '/dev/null');
    open(STDOUT, '>', "$profile.log");
    open(STDERR, '>&', \*STDOUT);
    { exec $chromium, '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
        '--no-first-run', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--disable-extensions', "--user-data-dir=$profile",
        '--remote-debugging-pipe', 'about:blank' };
    POSIX::_exit(127);
}
close $cmd_r;
close $ans_w;
$cmd_w->autoflush(1);

my ($next_id, $buffer, $session, $loaded) = (0, '', undef, 0);

sub read_message {
    my ($deadline) = @_;
    while (1) {
        if ((my $end = index($buffer, "\0")) >= 0) {
            my $text = substr($buffer, 0, $end);
            substr($buffer, 0, $end + 1) = '';
            return decode_json($text);
        }
        my $left = $deadline - time;
        return undef if $left <= 0;
        return undef unless IO::Select->new($ans_r)->can_read($left);
        my $n = sysread($ans_r, $buffer, 65536, length $buffer);
        return undef unless $n;
    }
}

# Sends method(params) and returns its result; events met on the way are noted.
sub call {
    my ($method, $params) = @_;
    my $id = ++$next_id;
    my $msg = {id => $id, method => $method, params => $params // {}};
    $msg->{sessionId} = $session if defined $session && $method !~ /^(Target|Browser)\./;
    print $cmd_w encode_json($msg) . "\0";
    my $deadline = time + $TIMEOUT;
    while (my $m = read_message($deadline)) {
        $loaded = 1 if ($m->{method} // '') eq 'Page.loadEventFired';
        next unless defined $m->{id} && $m->{id} == $id;
        die "$method: $m->{error}{message}\n" if $m->{error};
        return $m->{result};
    }
    die "$method: no answer from the browser\n";
}

sub wait_load {
    my $deadline = time + $TIMEOUT;
    while (!$loaded) {
        my $m = read_message($deadline) or return "error: the page did not load";
        $loaded = 1 if ($m->{method} // '') eq 'Page.loadEventFired';
    }
    $loaded = 0;
    return "loaded";
}

sub wait_for {
    my ($expr) = @_;
    my $deadline = time + $TIMEOUT;
    until (evaluate("!!($expr)")) {
        return "error: still false after $TIMEOUT s" if time > $deadline;
        select(undef, undef, undef, 0.05);
    }
    return "ok";
}

sub evaluate {
    my ($expr) = @_;
    my $r = call('Runtime.evaluate', {expression => $expr, returnByValue => JSON::PP::true});
    die "eval: $r->{exceptionDetails}{text}\n" if $r->{exceptionDetails};
    return $r->{result}{value};
}

my %keys = (
    'Tab'       => {key => 'Tab', code => 'Tab', windowsVirtualKeyCode => 9},
    'Shift+Tab' => {key => 'Tab', code => 'Tab', windowsVirtualKeyCode => 9, modifiers => 8},
    'Enter'     => {key => 'Enter', code => 'Enter', windowsVirtualKeyCode => 13, text => "\r"},
);

sub press {
    my ($name) = @_;
    my $k = $keys{$name} or die "unknown key $name\n";
    $loaded = 0;
    call('Input.dispatchKeyEvent', {%$k, type => 'keyDown'});
    my %up = %$k;
    delete $up{text};
    call('Input.dispatchKeyEvent', {%up, type => 'keyUp'});
    return "ok";
}

sub click {
    my ($expr) = @_;
    my $at = evaluate("(function () { var e = ($expr); if (!e) return null; "
            . "e.scrollIntoView({block: 'center'}); var r = e.getClientRects()[0]; "
            . "return [r.left + r.width / 2, r.top + r.height / 2]; })()");
    return "error: no element" unless $at;
    $loaded = 0;
    my %m = (x => $at->[0], y => $at->[1], button => 'left', clickCount => 1);
    call('Input.dispatchMouseEvent', {%m, type => 'mouseMoved'});
    call('Input.dispatchMouseEvent', {%m, type => 'mousePressed'});
    call('Input.dispatchMouseEvent', {%m, type => 'mouseReleased'});
    return "ok";
}

binmode STDIN, ':encoding(UTF-8)';
binmode STDOUT, ':encoding(UTF-8)';
my $status = 0;
eval {
    my $targets = call('Target.getTargets');
    my ($page) = grep { $_->{type} eq 'page' } @{$targets->{targetInfos}};
    my $target = $page ? $page->{targetId}
                       : call('Target.createTarget', {url => 'about:blank'})->{targetId};
    $session = call('Target.attachToTarget', {targetId => $target, flatten => JSON::PP::true})
        ->{sessionId};
    call('Page.enable');
    call('Page.setBypassCSP', {enabled => JSON::PP::true});
    call('Emulation.setDeviceMetricsOverride',
         {width => $width + 0, height => $height + 0, deviceScaleFactor => 1,
          mobile => JSON::PP::true});
    1;
} or do { print "error: $@"; $status = 1; };

while (!$status && defined(my $line = <STDIN>)) {
    chomp $line;
    next if $line =~ /^\s*(#|$)/;
    my ($cmd, $arg) = split / /, $line, 2;
    $arg //= '';
    my $out = eval {
        if ($cmd eq 'goto') { $loaded = 0; call('Page.navigate', {url => $arg}); wait_load() }
        elsif ($cmd eq 'eval') { $json->encode(evaluate($arg)) }
        elsif ($cmd eq 'key') { press($arg) }
        elsif ($cmd eq 'type') { call('Input.insertText', {text => $arg}); "ok" }
        elsif ($cmd eq 'click') { click($arg) }
        elsif ($cmd eq 'waitload') { wait_load() }
        elsif ($cmd eq 'waitfor') { wait_for($arg) }
        else { die "unknown command $cmd\n" }
    };
    $out = "error: $@" unless defined $out;
    chomp $out;
    print "$out\n";
}

eval { call('Browser.close') };
close $cmd_w;
for (1 .. 50) {
    last if waitpid($pid, POSIX::WNOHANG()) == $pid;
    select(undef, undef, undef, 0.1);
}
kill 'KILL', $pid if kill 0, $pid;
waitpid($pid, 0);
exit $status;
