"""Reviewed table: ImageNet-1k class index -> ValuePix item category (data, not code).

Columns: index, synset, category key, label name (names as in models/efficientnet_lite0/labels.tsv).
Reviewed by hand (2026-11): animals, plants, food, scenery, buildings, shops, people, weapons and
medical items are ``other`` (not something a ValuePix user photographs to value).
Edit this table (not rules) to move a class; tests/test_categories.py pins spot checks.
"""

TABLE = """\
0	n01440764	other	tench
1	n01443537	other	goldfish
2	n01484850	other	great white shark
3	n01491361	other	tiger shark
4	n01494475	other	hammerhead shark
5	n01496331	other	electric ray
6	n01498041	other	stingray
7	n01514668	other	rooster
8	n01514859	other	hen
9	n01518878	other	ostrich
10	n01530575	other	brambling
11	n01531178	other	goldfinch
12	n01532829	other	house finch
13	n01534433	other	junco
14	n01537544	other	indigo bunting
15	n01558993	other	American robin
16	n01560419	other	bulbul
17	n01580077	other	jay
18	n01582220	other	magpie
19	n01592084	other	chickadee
20	n01601694	other	American dipper
21	n01608432	other	kite (bird of prey)
22	n01614925	other	bald eagle
23	n01616318	other	vulture
24	n01622779	other	great grey owl
25	n01629819	other	fire salamander
26	n01630670	other	smooth newt
27	n01631663	other	newt
28	n01632458	other	spotted salamander
29	n01632777	other	axolotl
30	n01641577	other	American bullfrog
31	n01644373	other	tree frog
32	n01644900	other	tailed frog
33	n01664065	other	loggerhead sea turtle
34	n01665541	other	leatherback sea turtle
35	n01667114	other	mud turtle
36	n01667778	other	terrapin
37	n01669191	other	box turtle
38	n01675722	other	banded gecko
39	n01677366	other	green iguana
40	n01682714	other	Carolina anole
41	n01685808	other	desert grassland whiptail lizard
42	n01687978	other	agama
43	n01688243	other	frilled-necked lizard
44	n01689811	other	alligator lizard
45	n01692333	other	Gila monster
46	n01693334	other	European green lizard
47	n01694178	other	chameleon
48	n01695060	other	Komodo dragon
49	n01697457	other	Nile crocodile
50	n01698640	other	American alligator
51	n01704323	other	triceratops
52	n01728572	other	worm snake
53	n01728920	other	ring-necked snake
54	n01729322	other	eastern hog-nosed snake
55	n01729977	other	smooth green snake
56	n01734418	other	kingsnake
57	n01735189	other	garter snake
58	n01737021	other	water snake
59	n01739381	other	vine snake
60	n01740131	other	night snake
61	n01742172	other	boa constrictor
62	n01744401	other	African rock python
63	n01748264	other	Indian cobra
64	n01749939	other	green mamba
65	n01751748	other	sea snake
66	n01753488	other	Saharan horned viper
67	n01755581	other	eastern diamondback rattlesnake
68	n01756291	other	sidewinder rattlesnake
69	n01768244	other	trilobite
70	n01770081	other	harvestman
71	n01770393	other	scorpion
72	n01773157	other	yellow garden spider
73	n01773549	other	barn spider
74	n01773797	other	European garden spider
75	n01774384	other	southern black widow
76	n01774750	other	tarantula
77	n01775062	other	wolf spider
78	n01776313	other	tick
79	n01784675	other	centipede
80	n01795545	other	black grouse
81	n01796340	other	ptarmigan
82	n01797886	other	ruffed grouse
83	n01798484	other	prairie grouse
84	n01806143	other	peafowl
85	n01806567	other	quail
86	n01807496	other	partridge
87	n01817953	other	african grey parrot
88	n01818515	other	macaw
89	n01819313	other	sulphur-crested cockatoo
90	n01820546	other	lorikeet
91	n01824575	other	coucal
92	n01828970	other	bee eater
93	n01829413	other	hornbill
94	n01833805	other	hummingbird
95	n01843065	other	jacamar
96	n01843383	other	toucan
97	n01847000	other	drake (male duck)
98	n01855032	other	red-breasted merganser
99	n01855672	other	goose
100	n01860187	other	black swan
101	n01871265	other	tusker
102	n01872401	other	echidna
103	n01873310	other	platypus
104	n01877812	other	wallaby
105	n01882714	other	koala
106	n01883070	other	wombat
107	n01910747	other	jellyfish
108	n01914609	other	sea anemone
109	n01917289	other	brain coral
110	n01924916	other	flatworm
111	n01930112	other	nematode
112	n01943899	other	conch
113	n01944390	other	snail
114	n01945685	other	slug
115	n01950731	other	sea slug
116	n01955084	other	chiton
117	n01968897	other	chambered nautilus
118	n01978287	other	Dungeness crab
119	n01978455	other	rock crab
120	n01980166	other	fiddler crab
121	n01981276	other	red king crab
122	n01983481	other	American lobster
123	n01984695	other	spiny lobster
124	n01985128	other	crayfish
125	n01986214	other	hermit crab
126	n01990800	other	isopod
127	n02002556	other	white stork
128	n02002724	other	black stork
129	n02006656	other	spoonbill
130	n02007558	other	flamingo
131	n02009229	other	little blue heron
132	n02009912	other	great egret
133	n02011460	other	bittern bird
134	n02012849	other	crane bird
135	n02013706	other	limpkin
136	n02017213	other	common gallinule
137	n02018207	other	American coot
138	n02018795	other	bustard
139	n02025239	other	ruddy turnstone
140	n02027492	other	dunlin
141	n02028035	other	common redshank
142	n02033041	other	dowitcher
143	n02037110	other	oystercatcher
144	n02051845	other	pelican
145	n02056570	other	king penguin
146	n02058221	other	albatross
147	n02066245	other	grey whale
148	n02071294	other	killer whale
149	n02074367	other	dugong
150	n02077923	other	sea lion
151	n02085620	other	Chihuahua
152	n02085782	other	Japanese Chin
153	n02085936	other	Maltese dog
154	n02086079	other	Pekingese
155	n02086240	other	Shih Tzu
156	n02086646	other	King Charles Spaniel
157	n02086910	other	Papillon
158	n02087046	other	toy terrier
159	n02087394	other	Rhodesian Ridgeback
160	n02088094	other	Afghan Hound
161	n02088238	other	Basset Hound
162	n02088364	other	Beagle
163	n02088466	other	Bloodhound
164	n02088632	other	Bluetick Coonhound
165	n02089078	other	Black and Tan Coonhound
166	n02089867	other	Treeing Walker Coonhound
167	n02089973	other	English foxhound
168	n02090379	other	Redbone Coonhound
169	n02090622	other	borzoi
170	n02090721	other	Irish Wolfhound
171	n02091032	other	Italian Greyhound
172	n02091134	other	Whippet
173	n02091244	other	Ibizan Hound
174	n02091467	other	Norwegian Elkhound
175	n02091635	other	Otterhound
176	n02091831	other	Saluki
177	n02092002	other	Scottish Deerhound
178	n02092339	other	Weimaraner
179	n02093256	other	Staffordshire Bull Terrier
180	n02093428	other	American Staffordshire Terrier
181	n02093647	other	Bedlington Terrier
182	n02093754	other	Border Terrier
183	n02093859	other	Kerry Blue Terrier
184	n02093991	other	Irish Terrier
185	n02094114	other	Norfolk Terrier
186	n02094258	other	Norwich Terrier
187	n02094433	other	Yorkshire Terrier
188	n02095314	other	Wire Fox Terrier
189	n02095570	other	Lakeland Terrier
190	n02095889	other	Sealyham Terrier
191	n02096051	other	Airedale Terrier
192	n02096177	other	Cairn Terrier
193	n02096294	other	Australian Terrier
194	n02096437	other	Dandie Dinmont Terrier
195	n02096585	other	Boston Terrier
196	n02097047	other	Miniature Schnauzer
197	n02097130	other	Giant Schnauzer
198	n02097209	other	Standard Schnauzer
199	n02097298	other	Scottish Terrier
200	n02097474	other	Tibetan Terrier
201	n02097658	other	Australian Silky Terrier
202	n02098105	other	Soft-coated Wheaten Terrier
203	n02098286	other	West Highland White Terrier
204	n02098413	other	Lhasa Apso
205	n02099267	other	Flat-Coated Retriever
206	n02099429	other	Curly-coated Retriever
207	n02099601	other	Golden Retriever
208	n02099712	other	Labrador Retriever
209	n02099849	other	Chesapeake Bay Retriever
210	n02100236	other	German Shorthaired Pointer
211	n02100583	other	Vizsla
212	n02100735	other	English Setter
213	n02100877	other	Irish Setter
214	n02101006	other	Gordon Setter
215	n02101388	other	Brittany dog
216	n02101556	other	Clumber Spaniel
217	n02102040	other	English Springer Spaniel
218	n02102177	other	Welsh Springer Spaniel
219	n02102318	other	Cocker Spaniel
220	n02102480	other	Sussex Spaniel
221	n02102973	other	Irish Water Spaniel
222	n02104029	other	Kuvasz
223	n02104365	other	Schipperke
224	n02105056	other	Groenendael dog
225	n02105162	other	Malinois
226	n02105251	other	Briard
227	n02105412	other	Australian Kelpie
228	n02105505	other	Komondor
229	n02105641	other	Old English Sheepdog
230	n02105855	other	Shetland Sheepdog
231	n02106030	other	collie
232	n02106166	other	Border Collie
233	n02106382	other	Bouvier des Flandres dog
234	n02106550	other	Rottweiler
235	n02106662	other	German Shepherd Dog
236	n02107142	other	Dobermann
237	n02107312	other	Miniature Pinscher
238	n02107574	other	Greater Swiss Mountain Dog
239	n02107683	other	Bernese Mountain Dog
240	n02107908	other	Appenzeller Sennenhund
241	n02108000	other	Entlebucher Sennenhund
242	n02108089	other	Boxer
243	n02108422	other	Bullmastiff
244	n02108551	other	Tibetan Mastiff
245	n02108915	other	French Bulldog
246	n02109047	other	Great Dane
247	n02109525	other	St. Bernard
248	n02109961	other	husky
249	n02110063	other	Alaskan Malamute
250	n02110185	other	Siberian Husky
251	n02110341	other	Dalmatian
252	n02110627	other	Affenpinscher
253	n02110806	other	Basenji
254	n02110958	other	pug
255	n02111129	other	Leonberger
256	n02111277	other	Newfoundland dog
257	n02111500	other	Great Pyrenees dog
258	n02111889	other	Samoyed
259	n02112018	other	Pomeranian
260	n02112137	other	Chow Chow
261	n02112350	other	Keeshond
262	n02112706	other	brussels griffon
263	n02113023	other	Pembroke Welsh Corgi
264	n02113186	other	Cardigan Welsh Corgi
265	n02113624	other	Toy Poodle
266	n02113712	other	Miniature Poodle
267	n02113799	other	Standard Poodle
268	n02113978	other	Mexican hairless dog (xoloitzcuintli)
269	n02114367	other	grey wolf
270	n02114548	other	Alaskan tundra wolf
271	n02114712	other	red wolf or maned wolf
272	n02114855	other	coyote
273	n02115641	other	dingo
274	n02115913	other	dhole
275	n02116738	other	African wild dog
276	n02117135	other	hyena
277	n02119022	other	red fox
278	n02119789	other	kit fox
279	n02120079	other	Arctic fox
280	n02120505	other	grey fox
281	n02123045	other	tabby cat
282	n02123159	other	a cat having a striped coat
283	n02123394	other	Persian cat
284	n02123597	other	Siamese cat
285	n02124075	other	Egyptian Mau
286	n02125311	other	cougar
287	n02127052	other	lynx
288	n02128385	other	leopard
289	n02128757	other	snow leopard
290	n02128925	other	jaguar
291	n02129165	other	lion
292	n02129604	other	tiger
293	n02130308	other	cheetah
294	n02132136	other	brown bear
295	n02133161	other	American black bear
296	n02134084	other	polar bear
297	n02134418	other	sloth bear
298	n02137549	other	mongoose
299	n02138441	other	meerkat
300	n02165105	other	tiger beetle
301	n02165456	other	ladybug
302	n02167151	other	ground beetle
303	n02168699	other	longhorn beetle
304	n02169497	other	leaf beetle
305	n02172182	other	dung beetle
306	n02174001	other	rhinoceros beetle
307	n02177972	other	weevil
308	n02190166	other	fly
309	n02206856	other	bee
310	n02219486	other	ant
311	n02226429	other	grasshopper
312	n02229544	other	cricket insect
313	n02231487	other	stick insect
314	n02233338	other	cockroach
315	n02236044	other	praying mantis
316	n02256656	other	cicada
317	n02259212	other	leafhopper
318	n02264363	other	lacewing
319	n02268443	other	dragonfly
320	n02268853	other	damselfly
321	n02276258	other	red admiral butterfly
322	n02277742	other	ringlet butterfly
323	n02279972	other	monarch butterfly
324	n02280649	other	small white butterfly
325	n02281406	other	sulphur butterfly
326	n02281787	other	gossamer-winged butterfly
327	n02317335	other	starfish
328	n02319095	other	sea urchin
329	n02321529	other	sea cucumber
330	n02325366	other	cottontail rabbit
331	n02326432	other	hare
332	n02328150	other	Angora rabbit
333	n02342885	other	hamster
334	n02346627	other	porcupine
335	n02356798	other	fox squirrel
336	n02361337	other	marmot
337	n02363005	other	beaver
338	n02364673	other	guinea pig
339	n02389026	other	common sorrel horse
340	n02391049	other	zebra
341	n02395406	other	pig
342	n02396427	other	wild boar
343	n02397096	other	warthog
344	n02398521	other	hippopotamus
345	n02403003	other	ox
346	n02408429	other	water buffalo
347	n02410509	other	bison
348	n02412080	other	ram (adult male sheep)
349	n02415577	other	bighorn sheep
350	n02417914	other	Alpine ibex
351	n02422106	other	hartebeest
352	n02422699	other	impala (antelope)
353	n02423022	other	gazelle
354	n02437312	other	arabian camel
355	n02437616	other	llama
356	n02441942	other	weasel
357	n02442845	other	mink
358	n02443114	other	European polecat
359	n02443484	other	black-footed ferret
360	n02444819	other	otter
361	n02445715	other	skunk
362	n02447366	other	badger
363	n02454379	other	armadillo
364	n02457408	other	three-toed sloth
365	n02480495	other	orangutan
366	n02480855	other	gorilla
367	n02481823	other	chimpanzee
368	n02483362	other	gibbon
369	n02483708	other	siamang
370	n02484975	other	guenon
371	n02486261	other	patas monkey
372	n02486410	other	baboon
373	n02487347	other	macaque
374	n02488291	other	langur
375	n02488702	other	black-and-white colobus
376	n02489166	other	proboscis monkey
377	n02490219	other	marmoset
378	n02492035	other	white-headed capuchin
379	n02492660	other	howler monkey
380	n02493509	other	titi monkey
381	n02493793	other	Geoffroy's spider monkey
382	n02494079	other	common squirrel monkey
383	n02497673	other	ring-tailed lemur
384	n02500267	other	indri
385	n02504013	other	Asian elephant
386	n02504458	other	African bush elephant
387	n02509815	other	red panda
388	n02510455	other	giant panda
389	n02514041	other	snoek fish
390	n02526121	other	eel
391	n02536864	other	silver salmon
392	n02606052	other	rock beauty fish
393	n02607072	other	clownfish
394	n02640242	other	sturgeon
395	n02641379	other	gar fish
396	n02643566	other	lionfish
397	n02655020	other	pufferfish
398	n02666196	books_media	abacus
399	n02667093	clothing	abaya
400	n02669723	clothing	academic gown
401	n02672831	musical_instruments	accordion
402	n02676566	musical_instruments	acoustic guitar
403	n02687172	vehicles	aircraft carrier
404	n02690373	vehicles	airliner
405	n02692877	vehicles	airship
406	n02699494	other	altar
407	n02701002	vehicles	ambulance
408	n02704792	vehicles	amphibious vehicle
409	n02708093	watches_clocks	analog clock
410	n02727426	other	apiary
411	n02730930	clothing	apron
412	n02747177	home_decor	trash can
413	n02749479	other	assault rifle
414	n02769748	jewellery_accessories	backpack
415	n02776631	other	bakery
416	n02777292	sports_outdoor	balance beam
417	n02782093	toys_games	balloon
418	n02783161	books_media	ballpoint pen
419	n02786058	other	Band-Aid
420	n02787622	musical_instruments	banjo
421	n02788148	other	handrail / baluster
422	n02790996	sports_outdoor	barbell
423	n02791124	furniture	barber chair
424	n02791270	other	barbershop
425	n02793495	other	barn
426	n02794156	watches_clocks	barometer
427	n02795169	home_decor	barrel
428	n02797295	tools	wheelbarrow
429	n02799071	sports_outdoor	baseball
430	n02802426	sports_outdoor	basketball
431	n02804414	furniture	bassinet
432	n02804610	musical_instruments	bassoon
433	n02807133	clothing	swimming cap
434	n02808304	home_decor	bath towel
435	n02808440	home_decor	bathtub
436	n02814533	vehicles	station wagon
437	n02814860	other	lighthouse
438	n02815834	kitchenware	beaker
439	n02817516	clothing	military hat (bearskin or shako)
440	n02823428	kitchenware	beer bottle
441	n02823750	kitchenware	beer glass
442	n02825657	other	bell tower
443	n02834397	clothing	baby bib
444	n02835271	vehicles	tandem bicycle
445	n02837789	clothing	bikini
446	n02840245	books_media	ring binder
447	n02841315	cameras_optics	binoculars
448	n02843684	home_decor	birdhouse
449	n02859443	other	boathouse
450	n02860847	sports_outdoor	bobsleigh
451	n02865351	jewellery_accessories	bolo tie
452	n02869837	clothing	poke bonnet
453	n02870880	furniture	bookcase
454	n02871525	other	bookstore
455	n02877765	other	bottle cap
456	n02879718	sports_outdoor	hunting bow
457	n02883205	jewellery_accessories	bow tie
458	n02892201	home_decor	brass memorial plaque
459	n02892767	clothing	bra
460	n02894605	other	breakwater
461	n02895154	other	breastplate
462	n02906734	home_decor	broom
463	n02909870	home_decor	bucket
464	n02910353	jewellery_accessories	buckle
465	n02916936	other	bulletproof vest
466	n02917067	vehicles	high-speed train
467	n02927161	other	butcher shop
468	n02930766	vehicles	taxicab
469	n02939185	kitchenware	cauldron
470	n02948072	home_decor	candle
471	n02950826	other	cannon
472	n02951358	vehicles	kayak
473	n02951585	kitchenware	can opener
474	n02963159	clothing	cardigan
475	n02965783	vehicles	car mirror
476	n02966193	other	carousel
477	n02966687	tools	tool kit
478	n02971356	other	cardboard box / carton
479	n02974003	vehicles	car wheel
480	n02977058	electronics	automated teller machine
481	n02978881	books_media	cassette
482	n02979186	electronics	cassette player
483	n02980441	other	castle
484	n02981792	vehicles	catamaran
485	n02988304	electronics	CD player
486	n02992211	musical_instruments	cello
487	n02992529	electronics	mobile phone
488	n02999410	jewellery_accessories	chain
489	n03000134	other	chain-link fence
490	n03000247	other	chain mail
491	n03000684	tools	chainsaw
492	n03014705	furniture	storage chest
493	n03016953	furniture	chiffonier
494	n03017168	musical_instruments	bell or wind chime
495	n03018349	furniture	china cabinet
496	n03026506	home_decor	Christmas stocking
497	n03028079	other	church
498	n03032252	other	movie theater
499	n03041632	kitchenware	cleaver
500	n03042490	other	cliff dwelling
501	n03045698	clothing	cloak
502	n03047690	clothing	clogs
503	n03062245	kitchenware	cocktail shaker
504	n03063599	kitchenware	coffee mug
505	n03063689	kitchenware	coffeepot
506	n03065424	tools	spiral or coil
507	n03075370	tools	combination lock
508	n03085013	electronics	computer keyboard
509	n03089624	other	candy store
510	n03095699	vehicles	container ship
511	n03100240	vehicles	convertible
512	n03109150	kitchenware	corkscrew
513	n03110669	musical_instruments	cornet trumpet
514	n03124043	clothing	cowboy boot
515	n03124170	clothing	cowboy hat
516	n03125729	furniture	cradle
517	n03126707	vehicles	construction crane
518	n03127747	sports_outdoor	crash helmet
519	n03127925	other	crate box
520	n03131574	furniture	infant bed
521	n03133878	kitchenware	Crock Pot
522	n03134739	sports_outdoor	croquet ball
523	n03141823	other	crutch
524	n03146219	other	cuirass
525	n03160309	other	dam
526	n03179701	furniture	desk
527	n03180011	electronics	desktop computer
528	n03187595	electronics	rotary dial telephone
529	n03188531	clothing	diaper
530	n03196217	watches_clocks	digital clock
531	n03197337	watches_clocks	digital watch
532	n03201208	furniture	dining table
533	n03207743	kitchenware	dishcloth
534	n03207941	kitchenware	dishwasher
535	n03208938	vehicles	disc brake
536	n03216828	other	dock
537	n03218198	vehicles	dog sled
538	n03220513	other	dome
539	n03223299	home_decor	doormat
540	n03240683	other	drilling rig
541	n03249569	musical_instruments	drum
542	n03250847	musical_instruments	drumstick
543	n03255030	sports_outdoor	dumbbell
544	n03259280	kitchenware	Dutch oven
545	n03271574	electronics	electric fan
546	n03272010	musical_instruments	electric guitar
547	n03272562	vehicles	electric locomotive
548	n03290653	furniture	entertainment center (furniture)
549	n03291819	books_media	envelope
550	n03297495	kitchenware	espresso machine
551	n03314780	jewellery_accessories	face powder
552	n03325584	jewellery_accessories	feather boa
553	n03337140	furniture	filing cabinet
554	n03344393	vehicles	fireboat
555	n03345487	vehicles	fire truck
556	n03347037	home_decor	fire screen
557	n03355925	other	flagpole
558	n03372029	musical_instruments	flute
559	n03376595	furniture	folding chair
560	n03379051	sports_outdoor	football helmet
561	n03384352	vehicles	forklift
562	n03388043	other	fountain
563	n03388183	books_media	fountain pen
564	n03388549	furniture	four-poster bed
565	n03393912	vehicles	freight car
566	n03394916	musical_instruments	French horn
567	n03400231	kitchenware	frying pan
568	n03404251	clothing	fur coat
569	n03417042	vehicles	garbage truck
570	n03424325	other	gas mask or respirator
571	n03425413	other	gas pump
572	n03443371	kitchenware	goblet
573	n03444034	vehicles	go-kart
574	n03445777	sports_outdoor	golf ball
575	n03445924	vehicles	golf cart
576	n03447447	vehicles	gondola
577	n03447721	musical_instruments	gong
578	n03450230	clothing	gown
579	n03452741	musical_instruments	grand piano
580	n03457902	other	greenhouse
581	n03459775	vehicles	radiator grille
582	n03461385	other	grocery store
583	n03467068	other	guillotine
584	n03476684	jewellery_accessories	hair clip
585	n03476991	other	hair spray
586	n03478589	vehicles	half-track
587	n03481172	tools	hammer
588	n03482405	home_decor	hamper
589	n03483316	electronics	hair dryer
590	n03485407	electronics	hand-held computer
591	n03485794	clothing	handkerchief
592	n03492542	electronics	hard disk drive
593	n03494278	musical_instruments	harmonica
594	n03495258	musical_instruments	harp
595	n03496892	vehicles	combine harvester
596	n03498962	tools	hatchet
597	n03527444	other	holster
598	n03529860	electronics	home theater
599	n03530642	other	honeycomb
600	n03532672	tools	hook
601	n03534580	clothing	hoop skirt
602	n03535780	sports_outdoor	gymnastic horizontal bar
603	n03538406	vehicles	horse-drawn vehicle
604	n03544143	watches_clocks	hourglass
605	n03584254	electronics	iPod
606	n03584829	electronics	clothes iron
607	n03590841	home_decor	carved pumpkin
608	n03594734	clothing	jeans
609	n03594945	vehicles	jeep
610	n03595614	clothing	T-shirt
611	n03598930	toys_games	jigsaw puzzle
612	n03599486	vehicles	rickshaw vehicle
613	n03602883	electronics	joystick
614	n03617480	clothing	kimono
615	n03623198	sports_outdoor	knee pad
616	n03627232	tools	knot
617	n03630383	clothing	lab coat
618	n03633091	kitchenware	ladle
619	n03637318	home_decor	lampshade
620	n03642806	electronics	laptop computer
621	n03649909	tools	lawn mower
622	n03657121	cameras_optics	lens cap
623	n03658185	books_media	letter opener
624	n03661043	other	library
625	n03662601	vehicles	lifeboat
626	n03666591	jewellery_accessories	lighter
627	n03670208	vehicles	limousine
628	n03673027	vehicles	ocean liner
629	n03676483	jewellery_accessories	lipstick
630	n03680355	clothing	slip-on shoe
631	n03690938	other	lotion
632	n03691459	electronics	music speaker
633	n03692522	cameras_optics	loupe magnifying glass
634	n03697007	other	sawmill
635	n03706229	cameras_optics	magnetic compass
636	n03709823	jewellery_accessories	messenger bag
637	n03710193	home_decor	mailbox
638	n03710637	clothing	tights for gymnastics, a one-piece leotard, or a sport jersey
639	n03710721	clothing	one-piece bathing suit
640	n03717622	other	manhole cover
641	n03720891	musical_instruments	maraca
642	n03721384	musical_instruments	marimba xylophone
643	n03724870	home_decor	mask
644	n03729826	other	matchstick
645	n03733131	other	maypole
646	n03733281	other	maze
647	n03733805	kitchenware	measuring cup
648	n03742115	furniture	medicine cabinet
649	n03743016	other	megalith
650	n03759954	electronics	microphone
651	n03761084	kitchenware	microwave oven
652	n03763968	clothing	military uniform
653	n03764736	kitchenware	milk can
654	n03769881	vehicles	minibus
655	n03770439	clothing	miniskirt
656	n03770679	vehicles	minivan
657	n03773504	other	missile
658	n03775071	clothing	mitten
659	n03775546	kitchenware	mixing bowl
660	n03776460	vehicles	mobile home
661	n03777568	vehicles	ford model t
662	n03777754	electronics	modem
663	n03781244	other	monastery
664	n03782006	electronics	monitor
665	n03785016	vehicles	moped
666	n03786901	kitchenware	mortar and pestle
667	n03787032	clothing	graduation cap
668	n03788195	other	mosque
669	n03788365	other	mosquito net
670	n03791053	vehicles	motor scooter
671	n03792782	vehicles	mountain bike
672	n03792972	sports_outdoor	tent
673	n03793489	electronics	computer mouse
674	n03794056	other	mousetrap
675	n03796401	vehicles	moving van
676	n03803284	other	muzzle
677	n03804744	tools	metal nail
678	n03814639	other	neck brace
679	n03814906	jewellery_accessories	necklace
680	n03825788	other	baby pacifier
681	n03832673	electronics	notebook computer
682	n03837869	other	obelisk
683	n03838899	musical_instruments	oboe
684	n03840681	musical_instruments	ocarina
685	n03841143	vehicles	odometer
686	n03843555	vehicles	oil filter
687	n03854065	musical_instruments	pipe organ
688	n03857828	electronics	oscilloscope
689	n03866082	clothing	overskirt
690	n03868242	vehicles	bullock cart
691	n03868863	other	oxygen mask
692	n03871628	other	product packet / packaging
693	n03873416	sports_outdoor	paddle
694	n03874293	vehicles	paddle wheel
695	n03874599	tools	padlock
696	n03876231	tools	paintbrush
697	n03877472	clothing	pajamas
698	n03877845	other	palace
699	n03884397	musical_instruments	pan flute
700	n03887697	other	paper towel
701	n03888257	sports_outdoor	parachute
702	n03888605	sports_outdoor	parallel bars
703	n03891251	furniture	park bench
704	n03891332	other	parking meter
705	n03895866	vehicles	railroad car
706	n03899768	other	patio
707	n03902125	electronics	payphone
708	n03903868	home_decor	pedestal
709	n03908618	books_media	pencil case
710	n03908714	books_media	pencil sharpener
711	n03916031	jewellery_accessories	perfume
712	n03920288	other	Petri dish
713	n03924679	electronics	photocopier
714	n03929660	musical_instruments	plectrum
715	n03929855	other	Pickelhaube
716	n03930313	other	picket fence
717	n03930630	vehicles	pickup truck
718	n03933933	other	pier
719	n03935335	toys_games	piggy bank
720	n03937543	other	pill bottle
721	n03938244	home_decor	pillow
722	n03942813	sports_outdoor	ping-pong ball
723	n03944341	toys_games	pinwheel
724	n03947888	vehicles	pirate ship
725	n03950228	kitchenware	drink pitcher
726	n03954731	tools	block plane
727	n03956157	other	planetarium
728	n03958227	other	plastic bag
729	n03961711	kitchenware	plate rack
730	n03967562	vehicles	farm plow
731	n03970156	tools	plunger
732	n03976467	cameras_optics	Polaroid camera
733	n03976657	other	pole
734	n03977966	vehicles	police van
735	n03980874	clothing	poncho
736	n03982430	sports_outdoor	pool table
737	n03983396	kitchenware	soda bottle
738	n03991062	home_decor	plant pot
739	n03992509	tools	potter's wheel
740	n03995372	tools	power drill
741	n03998194	home_decor	prayer rug
742	n04004767	electronics	printer
743	n04005630	other	prison
744	n04008634	other	missile
745	n04009552	cameras_optics	projector
746	n04019541	sports_outdoor	hockey puck
747	n04023962	sports_outdoor	punching bag
748	n04026417	jewellery_accessories	purse
749	n04033901	books_media	quill
750	n04033995	home_decor	quilt
751	n04037443	vehicles	race car
752	n04039381	sports_outdoor	racket
753	n04040759	home_decor	radiator
754	n04041544	electronics	radio
755	n04044716	other	radio telescope
756	n04049303	home_decor	rain barrel
757	n04065272	vehicles	recreational vehicle
758	n04067472	sports_outdoor	fishing casting reel
759	n04069434	cameras_optics	reflex camera
760	n04070727	kitchenware	refrigerator
761	n04074963	electronics	remote control
762	n04081281	other	restaurant
763	n04086273	other	revolver
764	n04090263	other	rifle
765	n04099969	furniture	rocking chair
766	n04111531	kitchenware	rotisserie
767	n04116512	books_media	eraser
768	n04118538	sports_outdoor	rugby ball
769	n04118776	tools	ruler measuring stick
770	n04120489	clothing	sneaker
771	n04125021	furniture	safe
772	n04127249	tools	safety pin
773	n04131690	kitchenware	salt shaker
774	n04133789	clothing	sandal
775	n04136333	clothing	sarong
776	n04141076	musical_instruments	saxophone
777	n04141327	other	scabbard
778	n04141975	tools	weighing scale
779	n04146614	vehicles	school bus
780	n04147183	vehicles	schooner
781	n04149813	other	scoreboard
782	n04152593	electronics	CRT monitor
783	n04153751	tools	screw
784	n04154565	tools	screwdriver
785	n04162706	vehicles	seat belt
786	n04179913	electronics	sewing machine
787	n04192698	other	shield
788	n04200800	other	shoe store
789	n04201297	furniture	shoji screen / room divider
790	n04204238	home_decor	shopping basket
791	n04204347	other	shopping cart
792	n04208210	tools	shovel
793	n04209133	clothing	shower cap
794	n04209239	home_decor	shower curtain
795	n04228054	sports_outdoor	ski
796	n04229816	clothing	balaclava ski mask
797	n04235860	sports_outdoor	sleeping bag
798	n04238763	cameras_optics	slide rule
799	n04239074	other	sliding door
800	n04243546	toys_games	slot machine
801	n04251144	sports_outdoor	snorkel
802	n04252077	vehicles	snowmobile
803	n04252225	vehicles	snowplow
804	n04254120	home_decor	soap dispenser
805	n04254680	sports_outdoor	soccer ball
806	n04254777	clothing	sock
807	n04258138	other	solar thermal collector
808	n04259630	clothing	sombrero
809	n04263257	kitchenware	soup bowl
810	n04264628	electronics	keyboard space bar
811	n04265275	electronics	space heater
812	n04266014	vehicles	space shuttle
813	n04270147	kitchenware	spatula
814	n04273569	vehicles	motorboat
815	n04275548	other	spider web
816	n04277352	tools	spindle
817	n04285008	vehicles	sports car
818	n04286575	electronics	spotlight
819	n04296562	other	stage
820	n04310018	vehicles	steam locomotive
821	n04311004	other	through arch bridge
822	n04311174	musical_instruments	steel drum
823	n04317175	other	stethoscope
824	n04325704	jewellery_accessories	stole scarf
825	n04326547	other	stone wall
826	n04328186	watches_clocks	stopwatch
827	n04330267	kitchenware	stove
828	n04332243	kitchenware	strainer
829	n04335435	vehicles	tram
830	n04336792	other	stretcher
831	n04344873	furniture	couch
832	n04346328	other	stupa
833	n04347754	vehicles	submarine
834	n04350905	clothing	suit
835	n04355338	watches_clocks	sundial
836	n04355933	jewellery_accessories	sunglasses
837	n04356056	jewellery_accessories	sunglasses
838	n04357314	other	sunscreen
839	n04366367	other	suspension bridge
840	n04367480	home_decor	mop
841	n04370456	clothing	sweatshirt
842	n04371430	clothing	swim trunks / shorts
843	n04371774	toys_games	swing
844	n04372370	electronics	electrical switch
845	n04376876	other	syringe
846	n04380533	home_decor	table lamp
847	n04389033	vehicles	tank
848	n04392985	electronics	tape player
849	n04398044	kitchenware	teapot
850	n04399382	toys_games	teddy bear
851	n04404412	electronics	television
852	n04409515	sports_outdoor	tennis ball
853	n04417672	other	thatched roof
854	n04418357	other	front curtain
855	n04423845	tools	thimble
856	n04428191	vehicles	threshing machine
857	n04429376	furniture	throne
858	n04435653	other	tile roof
859	n04442312	kitchenware	toaster
860	n04443257	other	tobacco shop
861	n04447861	home_decor	toilet seat
862	n04456115	other	torch
863	n04458633	other	totem pole
864	n04461696	vehicles	tow truck
865	n04462240	other	toy store
866	n04465501	vehicles	tractor
867	n04467665	vehicles	semi-trailer truck
868	n04476259	kitchenware	tray
869	n04479046	clothing	trench coat
870	n04482393	toys_games	tricycle
871	n04483307	vehicles	trimaran
872	n04485082	cameras_optics	tripod
873	n04486054	other	triumphal arch
874	n04487081	vehicles	trolleybus
875	n04487394	musical_instruments	trombone
876	n04493381	home_decor	hot tub
877	n04501370	other	turnstile
878	n04505470	electronics	typewriter keyboard
879	n04507155	jewellery_accessories	umbrella
880	n04509417	vehicles	unicycle
881	n04515003	musical_instruments	upright piano
882	n04517823	electronics	vacuum cleaner
883	n04522168	home_decor	vase
884	n04523525	other	vaulted or arched ceiling
885	n04525038	home_decor	velvet fabric
886	n04525305	electronics	vending machine
887	n04532106	clothing	vestment
888	n04532670	other	viaduct
889	n04536866	musical_instruments	violin
890	n04540053	sports_outdoor	volleyball ball
891	n04542943	kitchenware	waffle iron
892	n04548280	watches_clocks	wall clock
893	n04548362	jewellery_accessories	wallet
894	n04550184	furniture	wardrobe
895	n04552348	vehicles	military aircraft
896	n04553703	home_decor	sink
897	n04554684	electronics	washing machine
898	n04557648	kitchenware	water bottle
899	n04560804	kitchenware	water jug
900	n04562935	other	water tower
901	n04579145	kitchenware	whiskey jug
902	n04579432	musical_instruments	whistle
903	n04584207	jewellery_accessories	hair wig
904	n04589890	home_decor	window screen
905	n04590129	home_decor	window shade
906	n04591157	jewellery_accessories	Windsor tie
907	n04591713	kitchenware	wine bottle
908	n04592741	vehicles	airplane wing
909	n04596742	kitchenware	wok
910	n04597913	kitchenware	wooden spoon
911	n04599235	home_decor	wool
912	n04604644	other	split-rail fence
913	n04606251	vehicles	shipwreck
914	n04612504	vehicles	yawl (boat)
915	n04613696	other	yurt
916	n06359193	other	website
917	n06596364	books_media	comic book
918	n06785654	books_media	crossword
919	n06794110	other	traffic or street sign
920	n06874185	other	traffic light
921	n07248320	books_media	dust jacket
922	n07565083	books_media	menu
923	n07579787	kitchenware	plate
924	n07583066	other	guacamole
925	n07584110	other	consomme
926	n07590611	other	hot pot
927	n07613480	other	trifle
928	n07614500	other	ice cream
929	n07615774	other	popsicle
930	n07684084	other	baguette
931	n07693725	other	bagel
932	n07695742	other	pretzel
933	n07697313	other	cheeseburger
934	n07697537	other	hot dog
935	n07711569	other	mashed potatoes
936	n07714571	other	cabbage
937	n07714990	other	broccoli
938	n07715103	other	cauliflower
939	n07716358	other	zucchini
940	n07716906	other	spaghetti squash
941	n07717410	other	acorn squash
942	n07717556	other	butternut squash
943	n07718472	other	cucumber
944	n07718747	other	artichoke
945	n07720875	other	bell pepper
946	n07730033	other	cardoon
947	n07734744	other	mushroom
948	n07742313	other	Granny Smith apple
949	n07745940	other	strawberry
950	n07747607	other	orange
951	n07749582	other	lemon
952	n07753113	other	fig
953	n07753275	other	pineapple
954	n07753592	other	banana
955	n07754684	other	jackfruit
956	n07760859	other	cherimoya (custard apple)
957	n07768694	other	pomegranate
958	n07802026	other	hay
959	n07831146	other	carbonara
960	n07836838	other	chocolate syrup
961	n07860988	other	dough
962	n07871810	other	meatloaf
963	n07873807	other	pizza
964	n07875152	other	pot pie
965	n07880968	other	burrito
966	n07892512	other	red wine
967	n07920052	other	espresso
968	n07930864	kitchenware	tea cup
969	n07932039	other	eggnog
970	n09193705	other	mountain
971	n09229709	other	bubble
972	n09246464	other	cliff
973	n09256479	other	coral reef
974	n09288635	other	geyser
975	n09332890	other	lakeshore
976	n09399592	other	promontory
977	n09421951	other	sandbar
978	n09428293	other	beach
979	n09468604	other	valley
980	n09472597	other	volcano
981	n09835506	other	baseball player
982	n10148035	other	bridegroom
983	n10565667	other	scuba diver
984	n11879895	other	rapeseed
985	n11939491	other	daisy
986	n12057211	other	yellow lady's slipper
987	n12144580	other	corn
988	n12267677	other	acorn
989	n12620546	other	rose hip
990	n12768682	other	horse chestnut seed
991	n12985857	other	coral fungus
992	n12998815	other	agaric
993	n13037406	other	gyromitra
994	n13040303	other	stinkhorn mushroom
995	n13044778	other	earth star fungus
996	n13052670	other	hen of the woods mushroom
997	n13054560	other	bolete
998	n13133613	other	fruiting spike of a cereal plant
999	n15075141	other	toilet paper
"""
